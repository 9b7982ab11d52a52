package main

import "errors"

func runLive(args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return errors.New("the live TUI is not available yet; use flametop record")
	}
	return errors.New("the live TUI is not available yet; use flametop record")
}
