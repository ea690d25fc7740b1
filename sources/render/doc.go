// Package render is a placeholder: it will hold the one write path of
// driftmap (carrying out a render plan). Its readonly_test.go checks that
// no other package under sources/, nor graph or queries, writes to the
// filesystem.
package render
