package core

// Authoriser is the party whose authority an input needs — the depositor
// of a deposit, the owner of a choice — which the validator checks as a
// signature (address party) or a spent role token (role party); ok is false
// for a notify, which anyone may make.
func Authoriser(c InputContent) (p Party, ok bool) {
	switch v := c.(type) {
	case IDeposit:
		return v.From, true
	case IChoice:
		return v.ID.Owner, true
	}
	return Party{}, false
}
