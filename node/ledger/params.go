package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"

	gcbor "github.com/blinklabs-io/gouroboros/cbor"
	lcommon "github.com/blinklabs-io/gouroboros/ledger/common"
	"github.com/blinklabs-io/gouroboros/ledger/conway"
)

// ProtocolMajor is the protocol version the devnet runs: Conway after the
// Plomin hard fork (bootstrap-phase governance restrictions lifted), as on
// preprod and mainnet today.
const ProtocolMajor = 10

// Plutus language indexes of ConwayProtocolParameters.CostModels.
const (
	costModelV1 = 0
	costModelV2 = 1
)

func rat(n, d int64) *gcbor.Rat { return &gcbor.Rat{Rat: big.NewRat(n, d)} }

// DefaultProtocolParams returns the devnet's protocol parameters: preprod's
// values (fees, sizes, execution limits and prices, min-UTxO, collateral,
// Plutus V1/V2 cost models) at protocol version 10, with Conway governance
// parameters of the public networks. Every rational is set: a nil one
// makes the CBOR encoder panic when the parameters are served.
func DefaultProtocolParams() *conway.ConwayProtocolParameters {
	v := func(n, d int64) gcbor.Rat { return *rat(n, d) }
	return &conway.ConwayProtocolParameters{
		MinFeeA:              44,
		MinFeeB:              155381,
		MaxBlockBodySize:     90112,
		MaxTxSize:            16384,
		MaxBlockHeaderSize:   1100,
		KeyDeposit:           2000000,
		PoolDeposit:          500000000,
		MaxEpoch:             18,
		NOpt:                 500,
		A0:                   rat(3, 10),
		Rho:                  rat(3, 1000),
		Tau:                  rat(1, 5),
		ProtocolVersion:      lcommon.ProtocolParametersProtocolVersion{Major: ProtocolMajor, Minor: 0},
		MinPoolCost:          170000000,
		AdaPerUtxoByte:       4310,
		CostModels:           map[uint][]int64{costModelV1: preprodCostModelV1(), costModelV2: preprodCostModelV2()},
		ExecutionCosts:       lcommon.ExUnitPrice{MemPrice: rat(577, 10000), StepPrice: rat(721, 10000000)},
		MaxTxExUnits:         lcommon.ExUnits{Memory: 14000000, Steps: 10000000000},
		MaxBlockExUnits:      lcommon.ExUnits{Memory: 62000000, Steps: 20000000000},
		MaxValueSize:         5000,
		CollateralPercentage: 150,
		MaxCollateralInputs:  3,
		PoolVotingThresholds: conway.PoolVotingThresholds{
			MotionNoConfidence: v(51, 100), CommitteeNormal: v(51, 100), CommitteeNoConfidence: v(51, 100),
			HardForkInitiation: v(51, 100), PpSecurityGroup: v(51, 100),
		},
		DRepVotingThresholds: conway.DRepVotingThresholds{
			MotionNoConfidence: v(67, 100), CommitteeNormal: v(67, 100), CommitteeNoConfidence: v(3, 5),
			UpdateToConstitution: v(3, 4), HardForkInitiation: v(3, 5), PpNetworkGroup: v(67, 100),
			PpEconomicGroup: v(67, 100), PpTechnicalGroup: v(67, 100), PpGovGroup: v(3, 4),
			TreasuryWithdrawal: v(67, 100),
		},
		MinCommitteeSize:           7,
		CommitteeTermLimit:         146,
		GovActionValidityPeriod:    6,
		GovActionDeposit:           100000000000,
		DRepDeposit:                500000000,
		DRepInactivityPeriod:       20,
		MinFeeRefScriptCostPerByte: rat(15, 1),
	}
}

// cliParams is the subset of cardano-cli's protocol-parameters JSON the
// devnet takes over; absent fields keep their defaults.
type cliParams struct {
	CollateralPercentage *uint              `json:"collateralPercentage"`
	CostModels           map[string][]int64 `json:"costModels"`
	Prices               *struct {
		Memory json.Number `json:"priceMemory"`
		Steps  json.Number `json:"priceSteps"`
	} `json:"executionUnitPrices"`
	MaxBlockBodySize    *uint                           `json:"maxBlockBodySize"`
	MaxBlockExUnits     *struct{ Memory, Steps uint64 } `json:"maxBlockExecutionUnits"`
	MaxBlockHeaderSize  *uint                           `json:"maxBlockHeaderSize"`
	MaxCollateralInputs *uint                           `json:"maxCollateralInputs"`
	MaxTxExUnits        *struct{ Memory, Steps uint64 } `json:"maxTxExecutionUnits"`
	MaxTxSize           *uint                           `json:"maxTxSize"`
	MaxValueSize        *uint                           `json:"maxValueSize"`
	MinPoolCost         *uint64                         `json:"minPoolCost"`
	StakeAddressDeposit *uint                           `json:"stakeAddressDeposit"`
	StakePoolDeposit    *uint                           `json:"stakePoolDeposit"`
	StakePoolTargetNum  *uint                           `json:"stakePoolTargetNum"`
	PoolRetireMaxEpoch  *uint                           `json:"poolRetireMaxEpoch"`
	TxFeeFixed          *uint                           `json:"txFeeFixed"`
	TxFeePerByte        *uint                           `json:"txFeePerByte"`
	UtxoCostPerByte     *uint64                         `json:"utxoCostPerByte"`
	MonetaryExpansion   *json.Number                    `json:"monetaryExpansion"`
	PoolPledgeInfluence *json.Number                    `json:"poolPledgeInfluence"`
	TreasuryCut         *json.Number                    `json:"treasuryCut"`
	MinFeeRefScriptCost *json.Number                    `json:"minFeeRefScriptCostPerByte"`
}

// ProtocolParamsFromJSON derives Conway parameters from a cardano-cli
// protocol-parameters JSON file (any era's shape): the fields it holds
// replace DefaultProtocolParams' values; the protocol version stays
// ProtocolMajor (a Babbage file says 8, which the Conway rules do not
// run) and Conway-only fields keep their defaults.
func ProtocolParamsFromJSON(b []byte) (*conway.ConwayProtocolParameters, error) {
	var p cliParams
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("protocol parameters JSON: %w", err)
	}
	pp := DefaultProtocolParams()
	setU := func(dst *uint, src *uint) {
		if src != nil {
			*dst = *src
		}
	}
	setU(&pp.CollateralPercentage, p.CollateralPercentage)
	setU(&pp.MaxBlockBodySize, p.MaxBlockBodySize)
	setU(&pp.MaxBlockHeaderSize, p.MaxBlockHeaderSize)
	setU(&pp.MaxCollateralInputs, p.MaxCollateralInputs)
	setU(&pp.MaxTxSize, p.MaxTxSize)
	setU(&pp.MaxValueSize, p.MaxValueSize)
	setU(&pp.KeyDeposit, p.StakeAddressDeposit)
	setU(&pp.PoolDeposit, p.StakePoolDeposit)
	setU(&pp.NOpt, p.StakePoolTargetNum)
	setU(&pp.MaxEpoch, p.PoolRetireMaxEpoch)
	setU(&pp.MinFeeB, p.TxFeeFixed)
	setU(&pp.MinFeeA, p.TxFeePerByte)
	if p.MinPoolCost != nil {
		pp.MinPoolCost = *p.MinPoolCost
	}
	if p.UtxoCostPerByte != nil {
		pp.AdaPerUtxoByte = *p.UtxoCostPerByte
	}
	if p.MaxTxExUnits != nil {
		pp.MaxTxExUnits = lcommon.ExUnits{Memory: int64(p.MaxTxExUnits.Memory), Steps: int64(p.MaxTxExUnits.Steps)}
	}
	if p.MaxBlockExUnits != nil {
		pp.MaxBlockExUnits = lcommon.ExUnits{Memory: int64(p.MaxBlockExUnits.Memory), Steps: int64(p.MaxBlockExUnits.Steps)}
	}
	type ratField struct {
		name string
		src  *json.Number
		dst  **gcbor.Rat
	}
	rats := []ratField{
		{"monetaryExpansion", p.MonetaryExpansion, &pp.Rho},
		{"poolPledgeInfluence", p.PoolPledgeInfluence, &pp.A0},
		{"treasuryCut", p.TreasuryCut, &pp.Tau},
		{"minFeeRefScriptCostPerByte", p.MinFeeRefScriptCost, &pp.MinFeeRefScriptCostPerByte},
	}
	if p.Prices != nil {
		rats = append(rats,
			ratField{"priceMemory", &p.Prices.Memory, &pp.ExecutionCosts.MemPrice},
			ratField{"priceSteps", &p.Prices.Steps, &pp.ExecutionCosts.StepPrice})
	}
	for _, r := range rats {
		if r.src == nil {
			continue
		}
		// Decimal text to an exact rational: 0.0577 is 577/10000, not the
		// nearest binary float.
		q, ok := new(big.Rat).SetString(r.src.String())
		if !ok || q.Sign() < 0 {
			return nil, fmt.Errorf("protocol parameters JSON: %s: bad rational %q", r.name, r.src.String())
		}
		*r.dst = &gcbor.Rat{Rat: q}
	}
	for name, idx := range map[string]uint{"PlutusV1": costModelV1, "PlutusV2": costModelV2, "PlutusV3": 2} {
		if m, ok := p.CostModels[name]; ok {
			if len(m) == 0 {
				return nil, fmt.Errorf("protocol parameters JSON: empty %s cost model", name)
			}
			pp.CostModels[idx] = append([]int64(nil), m...)
		}
	}
	return pp, nil
}
