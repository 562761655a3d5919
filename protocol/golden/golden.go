// Package golden reads the hspec-golden files of marlowe-cardano's codec
// tests (wire-protocol.md §7): UTF-8 text made of line pairs
//
//	Show: <Haskell show of one message, on one line>
//	Binary: <lower-case hex of that message's putMessage bytes>
//
// API:
//
//	func Parse(r io.Reader) ([]Vector, error)
//	func ParseFile(path string) ([]Vector, error)
//
// The parser accepts a final newline or its absence, CRLF line ends and
// trailing blank lines; anything else out of shape (a Binary line without a
// Show line before it, bad hex, an unknown line, blank lines between
// vectors) is an error naming the line.
package golden

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Vector is one Show/Binary pair.
type Vector struct {
	// Line is the 1-based line number of the Show line.
	Line int
	// Show is the Haskell rendering of the message, without the prefix.
	Show string
	// Binary is the message encoding (without the frame's status byte).
	Binary []byte
	// MessageName is the first word of Show, the message constructor
	// (e.g. "MsgRollForward").
	MessageName string
}

const (
	showPrefix   = "Show: "
	binaryPrefix = "Binary: "
)

// ParseFile parses the golden file at path.
func ParseFile(path string) ([]Vector, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vs, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return vs, nil
}

// Parse reads a whole golden file.
func Parse(r io.Reader) ([]Vector, error) {
	br := bufio.NewReader(r)
	var (
		vs      []Vector
		pending *Vector // a Show line waiting for its Binary line
		lineNo  int
		blankAt int // first blank line seen, 0 if none
	)
	for {
		raw, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("line %d: %w", lineNo+1, err)
		}
		if raw == "" && errors.Is(err, io.EOF) {
			break
		}
		lineNo++
		line := strings.TrimSuffix(strings.TrimSuffix(raw, "\n"), "\r")
		switch {
		case strings.TrimSpace(line) == "":
			if blankAt == 0 {
				blankAt = lineNo
			}
		case blankAt != 0:
			return nil, fmt.Errorf("line %d: blank line inside the file (line %d)", lineNo, blankAt)
		case strings.HasPrefix(line, showPrefix):
			if pending != nil {
				return nil, fmt.Errorf("line %d: Show line follows the Show line at %d without a Binary line", lineNo, pending.Line)
			}
			show := line[len(showPrefix):]
			name, _, _ := strings.Cut(show, " ")
			if name == "" {
				return nil, fmt.Errorf("line %d: empty Show line", lineNo)
			}
			pending = &Vector{Line: lineNo, Show: show, MessageName: name}
		case strings.HasPrefix(line, binaryPrefix):
			if pending == nil {
				return nil, fmt.Errorf("line %d: Binary line without a preceding Show line", lineNo)
			}
			h := line[len(binaryPrefix):]
			b, herr := hex.DecodeString(h)
			if herr != nil {
				return nil, fmt.Errorf("line %d: invalid hex: %w", lineNo, herr)
			}
			pending.Binary = b
			vs = append(vs, *pending)
			pending = nil
		default:
			return nil, fmt.Errorf("line %d: expected %q or %q, got %.40q", lineNo, showPrefix, binaryPrefix, line)
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if pending != nil {
		return nil, fmt.Errorf("line %d: Show line has no Binary line", pending.Line)
	}
	return vs, nil
}
