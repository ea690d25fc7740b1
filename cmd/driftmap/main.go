// Command driftmap audits runtime drift in a launchd service
// constellation. See README.md, or run 'driftmap help'.
package main

import (
	"os"

	"github.com/driftmap/driftmap/cmd/driftmap/internal/cli"
)

func main() { os.Exit(cli.Main()) }
