package core

// Walk calls visit with c and every contract inside it, each parent before
// its children and children in document order: a Pay's, Let's or Assert's
// continuation; an If's then and else branches; a When's case
// continuations in case order, then its timeout continuation. Merkleized
// cases are not followed (their continuations are not part of c); a
// missing continuation is visited as nil. It uses an explicit stack, as
// contracts can be chains far deeper than a safe recursion depth. The walk
// stops at the first error visit returns, and returns it.
func Walk(c Contract, visit func(Contract) error) error {
	stack := []Contract{c}
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if err := visit(top); err != nil {
			return err
		}
		// Children are pushed last first, so that they pop in order.
		switch x := top.(type) {
		case Pay:
			stack = append(stack, x.Then)
		case If:
			stack = append(stack, x.Else, x.Then)
		case When:
			stack = append(stack, x.Continuation)
			for i := len(x.Cases) - 1; i >= 0; i-- {
				if cs := x.Cases[i]; !cs.Merkleized {
					stack = append(stack, cs.Then)
				}
			}
		case Let:
			stack = append(stack, x.Then)
		case Assert:
			stack = append(stack, x.Then)
		}
	}
	return nil
}
