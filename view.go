package main

import "errors"

func runView(args []string) error {
	return errors.New("flametop view is not available yet; open the file with go tool pprof")
}
