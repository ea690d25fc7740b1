//go:build !unix

package main

import "os"

// peakRSS is unknown on this platform: the table says n/a.
func peakRSS(*os.ProcessState) int64 { return 0 }
