package txjob_test

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/session"
	"github.com/marlowe-lite/marlowe-lite/protocol/txjob"
)

// propertyIterations is the number of random message sets generated; each
// set has one message of every kind in every state for every command tag
// (37 messages).
const propertyIterations = 1000

func machineAt(t testing.TB, st job.State, k txjob.CommandKind) *txjob.Machine {
	t.Helper()
	m, err := txjob.NewMachineAt(st, k)
	if err != nil {
		t.Fatalf("NewMachineAt(%s, %s): %v", st, k, err)
	}
	return m
}

// roundTrip encodes s in its state, decodes the bytes back (consuming all
// of them), re-encodes and compares, then steps a machine with the decoded
// message. It returns the encoding.
func roundTrip(t *testing.T, i int, s sample) []byte {
	t.Helper()
	m := machineAt(t, s.st, s.k)
	b, err := session.EncodeMessage(m, s.msg)
	if err != nil {
		t.Fatalf("case %d %s in %s: encode: %v", i, s.msg.MessageName(), m.State(), err)
	}
	got, err := session.DecodeMessage(m, b)
	if err != nil {
		t.Fatalf("case %d %s in %s: decode %x: %v", i, s.msg.MessageName(), m.State(), b, err)
	}
	if got.MessageName() != s.msg.MessageName() {
		t.Fatalf("case %d: decoded %s, want %s", i, got.MessageName(), s.msg.MessageName())
	}
	b2, err := session.EncodeMessage(m, got)
	if err != nil {
		t.Fatalf("case %d %s: re-encode: %v", i, s.msg.MessageName(), err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatalf("case %d %s in %s: re-encoding differs\n first %x\nsecond %x", i, s.msg.MessageName(), m.State(), b, b2)
	}
	if err := m.Step(m.Agency(), got); err != nil {
		t.Fatalf("case %d %s in %s: step: %v", i, s.msg.MessageName(), m.State(), err)
	}
	return b
}

// TestPropertyRoundTrip checks, for random values of every message in every
// state and command tag (fixed seed), that encode → decode → encode is the
// identity on bytes and that the decoded message is accepted by the state
// machine (wire-protocol.md §4.5, §5.5; no golden file exists for TxJob).
func TestPropertyRoundTrip(t *testing.T) {
	g := newGen(3723)
	n := 0
	for i := 0; i < propertyIterations; i++ {
		for _, s := range g.messages() {
			roundTrip(t, i, s)
			n++
		}
	}
	if want := propertyIterations * 37; n != want {
		t.Fatalf("round-tripped %d messages, want %d", n, want)
	}
}

// specConstructors lists every constructor of every TxJob sum type, as
// wire-protocol.md §4.5 and §5.5 name them (and §5.6 for the Core V1
// warnings and errors inside SafetyError and ApplyInputsError).
var specConstructors = map[string][]string{
	"Message":           {"MsgExec", "MsgAttach", "MsgAttached", "MsgAttachFailed", "MsgFail", "MsgSucceed", "MsgAwait", "MsgPoll", "MsgDetach"},
	"MarloweTxCommand":  {"Create", "ApplyInputs", "Withdraw", "BurnRoleTokens", "Submit"},
	"SubmitStatus":      {"Submitting", "Accepted"},
	"Result":            {"ContractCreated", "InputsApplied", "WithdrawTx", "BurnRoleTokensTx", "BlockHeader"},
	"BabbageEraOnwards": {"BabbageEraOnwardsBabbage", "BabbageEraOnwardsConway"},
	"Account":           {"RoleAccount", "AddressAccount"},
	"Destination":       {"ToAddress", "ToScript"},
	"RoleTokensConfig":  {"RoleTokensNone", "RoleTokensUsePolicy", "RoleTokensMint"},
	"RoleTokenFilter": {"RoleTokensOr", "RoleTokensAnd", "RoleTokensNot", "RoleTokenFilterAny", "RoleTokenFilterNone",
		"RoleTokenFilterByContracts", "RoleTokenFilterByPolicyIds", "RoleTokenFilterByTokens"},
	"SubmitError": {"SubmitException", "SubmitFailed", "TxDiscarded"},
	"CreateError": {"CreateEraUnsupported", "CreateConstraintError", "CreateLoadMarloweContextFailed",
		"CreateLoadHelpersContextFailed", "CreateBuildupFailed", "CreateToCardanoError", "CreateSafetyAnalysisFailed",
		"CreateSafetyAnalysisError", "CreateContractNotFound", "ProtocolParamNoUTxOCostPerByte", "InsufficientMinAdaDeposit"},
	"ApplyInputsError": {"ApplyInputsEraUnsupported", "ApplyInputsConstraintError", "ApplyInputsContractContinuationNotFound",
		"ScriptOutputNotFound", "ApplyInputsLoadMarloweContextFailed", "ApplyInputsLoadHelpersContextFailed",
		"ApplyInputsConstraintsBuildupFailed", "ApplyInputsSafetyAnalysisError", "SlotConversionFailed", "TipAtGenesis",
		"ValidityLowerBoundTooHigh"},
	"WithdrawError": {"WithdrawEraUnsupported", "WithdrawConstraintError", "EmptyPayouts", "WithdrawLoadHelpersContextFailed"},
	"BurnRoleTokensError": {"BurnEraUnsupported", "BurnRolesActive", "BurnInvalidPolicyId", "BurnNoTokens",
		"BurnFromCardanoError", "BurnConstraintError"},
	"ConstraintError": {"MintingUtxoNotFound", "RoleTokenNotFound", "ToCardanoError", "MissingMarloweInput", "PayoutNotFound",
		"InvalidPayoutDatum", "InvalidHelperDatum", "InvalidPayoutScriptAddress", "InvalidTokenQuantity",
		"CalculateMinUtxoFailed", "CoinSelectionFailed", "BalancingError", "MarloweInputInWithdraw", "MarloweOutputInWithdraw",
		"PayoutOutputInWithdraw", "PayoutInputInCreateOrApply", "UnknownPayoutScript", "HelperScriptNotFound"},
	"CoinSelectionError": {"NoCollateralFound", "InsufficientLovelace", "InsufficientTokens"},
	"LoadMarloweContextError": {"LoadMarloweContextErrorNotFound", "LoadMarloweContextErrorVersionMismatch",
		"LoadMarloweContextToCardanoError", "MarloweScriptNotPublished", "PayoutScriptNotPublished", "ExtractCreationError",
		"ExtractMarloweTransactionError"},
	"LoadHelpersContextError": {"HelperScriptNotFoundInRegistry", "LoadHelpersContextErrorNotFound",
		"LoadHelpersContextErrorVersionMismatch", "ContractNotExtractedError", "RollForwardToGenesisError",
		"LoadHelpersContextTxOutRefNotFoundError"},
	"CreateBuildupError":                 {"MintingUtxoSelectionFailed", "AddressesDecodingFailed", "InvalidInitialState", "MintingScriptDecodingFailed"},
	"ApplyInputsConstraintsBuildupError": {"MarloweComputeTransactionFailed", "InvalidMarloweState", "UnableToDetermineTransactionTimeout"},
	"SafetyError": {"MissingRolesCurrency", "ContractHasNoRoles", "MissingRoleToken", "ExtraRoleToken", "RoleNameTooLong",
		"InvalidCurrencySymbol", "TokenNameTooLong", "InvalidToken", "NonPositiveBalance", "DuplicateAccount", "DuplicateChoice",
		"DuplicateBoundValue", "MaximumValueMayExceedProtocol", "TransactionSizeMayExceedProtocol",
		"TransactionCostMayExceedProtocol", "TransactionValidationError", "TransactionWarning", "MissingContinuation",
		"InconsistentNetworks", "WrongNetwork", "IllegalAddress", "SafetyAnalysisTimeout"},
	"TransactionWarning": {"NonPositiveDeposit", "NonPositivePay", "PartialPay", "Shadowing", "AssertionFailed"},
	"TransactionError": {"TEAmbiguousTimeIntervalError", "TEApplyNoMatchError", "TEIntervalError", "TEUselessTransaction",
		"TEHashMismatch"},
}

// specCounts is the constructor count of each type as §4.5/§5.5 give it; it
// guards specConstructors against a forgotten name.
var specCounts = map[string]int{
	"Message": 9, "MarloweTxCommand": 5, "SubmitStatus": 2, "Result": 5, "BabbageEraOnwards": 2, "Destination": 2,
	"RoleTokensConfig": 3, "RoleTokenFilter": 8, "SubmitError": 3, "CreateError": 11, "ApplyInputsError": 11,
	"WithdrawError": 4, "BurnRoleTokensError": 6, "ConstraintError": 18, "CoinSelectionError": 3,
	"LoadMarloweContextError": 7, "LoadHelpersContextError": 6, "CreateBuildupError": 4,
	"ApplyInputsConstraintsBuildupError": 3, "SafetyError": 22, "TransactionWarning": 5, "TransactionError": 5,
	"Account": 2,
}

// TestGeneratorCoversEveryConstructor fails if the property generator never
// produced some constructor of some command, status, error or result type
// (§4.5, §5.5), so the round-trip property really covers all of them.
func TestGeneratorCoversEveryConstructor(t *testing.T) {
	g := newGen(3723)
	for i := 0; i < propertyIterations; i++ {
		g.messages()
	}
	total := 0
	for typ, names := range specConstructors {
		if want := specCounts[typ]; len(names) != want {
			t.Errorf("%s: %d constructors listed, spec has %d", typ, len(names), want)
		}
		for _, name := range names {
			if g.seen[typ][name] == 0 {
				t.Errorf("%s constructor %s was never generated", typ, name)
			}
			total++
		}
		for name := range g.seen[typ] {
			if !slices.Contains(names, name) {
				t.Errorf("%s: generated unknown constructor %s", typ, name)
			}
		}
	}
	for typ := range g.seen {
		if _, ok := specConstructors[typ]; !ok {
			t.Errorf("generated type %s is not in the spec table", typ)
		}
	}
	if want := 146; total != want {
		t.Errorf("covered %d constructors, want %d", total, want)
	}
	if testing.Verbose() {
		var lines []string
		for typ, m := range g.seen {
			lines = append(lines, typ+": "+strings.Join(sortedKeys(m), ","))
		}
		sort.Strings(lines)
		t.Logf("constructors generated:\n%s", strings.Join(lines, "\n"))
	}
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
