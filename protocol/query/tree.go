package query

import (
	"errors"
	"fmt"
	"strings"
)

// Tree is a request batch (Haskell ReqTree) or the matching response: a
// leaf carries one value (ReqLeaf r, or the result of r); an inner node has
// exactly two subtrees (ReqBin l r, whose response is the pair of the two
// sub-responses). A response tree always has its request tree's shape.
type Tree[T any] struct {
	// Value is the leaf's request or result; unused on inner nodes.
	Value T
	// Left and Right are both nil on a leaf and both set on an inner node.
	Left, Right *Tree[T]
}

// Leaf returns the one-request tree ReqLeaf v (or a leaf result).
func Leaf[T any](v T) *Tree[T] { return &Tree[T]{Value: v} }

// Bin returns the batch ReqBin l r (or the pair of results (l, r)).
func Bin[T any](l, r *Tree[T]) *Tree[T] { return &Tree[T]{Left: l, Right: r} }

// IsLeaf reports whether t is a leaf.
func (t *Tree[T]) IsLeaf() bool { return t.Left == nil && t.Right == nil }

// Leaves returns the leaf values in wire order (left to right).
func (t *Tree[T]) Leaves() []T {
	var out []T
	var walk func(*Tree[T])
	walk = func(n *Tree[T]) {
		if n == nil {
			return
		}
		if n.IsLeaf() {
			out = append(out, n.Value)
			return
		}
		walk(n.Left)
		walk(n.Right)
	}
	walk(t)
	return out
}

// errMalformedTree is what Validate reports for a node with one child.
var errMalformedTree = errors.New("tree node has exactly one subtree (a ReqBin needs two, a ReqLeaf none)")

// Validate checks that t is a well-formed tree no deeper than maxDepth
// levels and returns its number of leaves. The walk is iterative, so a
// degenerate tree built in Go cannot exhaust the stack.
func (t *Tree[T]) Validate(maxDepth int) (leaves int, err error) {
	if t == nil {
		return 0, errors.New("nil tree")
	}
	type item struct {
		n     *Tree[T]
		depth int
	}
	stack := []item{{t, 1}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.depth > maxDepth {
			return 0, fmt.Errorf("tree deeper than %d levels", maxDepth)
		}
		switch {
		case it.n.IsLeaf():
			leaves++
		case it.n.Left == nil || it.n.Right == nil:
			return 0, errMalformedTree
		default:
			stack = append(stack, item{it.n.Right, it.depth + 1}, item{it.n.Left, it.depth + 1})
		}
	}
	return leaves, nil
}

// Map returns a tree of t's shape whose leaves are f of t's leaves, visited
// in wire order; it stops at the first error. t must be well formed.
func Map[T, U any](t *Tree[T], f func(T) (U, error)) (*Tree[U], error) {
	if t.IsLeaf() {
		u, err := f(t.Value)
		if err != nil {
			return nil, err
		}
		return Leaf(u), nil
	}
	l, err := Map(t.Left, f)
	if err != nil {
		return nil, err
	}
	r, err := Map(t.Right, f)
	if err != nil {
		return nil, err
	}
	return Bin(l, r), nil
}

// describe renders a request tree for state names and errors, e.g.
// "ReqBin (ReqStatus) (ReqContractState)", eliding the middle of big trees.
func describe[T any](t *Tree[T], name func(T) string) string {
	var b strings.Builder
	budget := 15 // nodes rendered before eliding
	var walk func(n *Tree[T])
	walk = func(n *Tree[T]) {
		if budget <= 0 {
			b.WriteString("…")
			return
		}
		budget--
		if n == nil {
			b.WriteString("<nil>")
			return
		}
		if n.IsLeaf() {
			b.WriteString(name(n.Value))
			return
		}
		b.WriteString("ReqBin (")
		walk(n.Left)
		b.WriteString(") (")
		walk(n.Right)
		b.WriteString(")")
	}
	walk(t)
	return b.String()
}
