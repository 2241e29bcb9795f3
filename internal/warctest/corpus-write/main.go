// Command corpus-write writes the interop corpus of package warctest to a
// directory, for measuring other readers against it:
//
//	go run ./internal/warctest/corpus-write DIR
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"rankfile/internal/warctest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: corpus-write DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, f := range warctest.Corpus() {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		damaged := ""
		if f.Damaged {
			damaged = " (damaged on purpose)"
		}
		fmt.Printf("%s\t%s\t%s%s\n", f.Name, f.Tool, f.Oddity, damaged)
	}
}
