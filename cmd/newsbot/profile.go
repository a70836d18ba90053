package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles starts the profiles the environment asks for and returns
// the function that writes them: NEWSBOT_CPUPROFILE names a file for a CPU
// profile of the whole process, NEWSBOT_MEMPROFILE one for a heap profile
// (allocations since start, live objects at exit) written at exit. They
// are for the load harness (cmd/loadtest -cpuprofile, -memprofile) and
// for looking into a slow run; errors go to stderr and never stop newsbot.
func startProfiles(getenv func(string) string) (stop func()) {
	cpu, mem := getenv("NEWSBOT_CPUPROFILE"), getenv("NEWSBOT_MEMPROFILE")
	var cpuFile *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err == nil {
			err = pprof.StartCPUProfile(f)
			cpuFile = f
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "newsbot: cpu profile:", err)
		}
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem == "" {
			return
		}
		f, err := os.Create(mem)
		if err == nil {
			runtime.GC()
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "newsbot: memory profile:", err)
		}
	}
}
