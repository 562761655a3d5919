package registry

// The deployed script sets, transcribed from the Marlowe Runtime's
// ScriptRegistry.hs (input-output-hk/marlowe-cardano @ 99f432d) as recorded
// in the project's shared registry.json and docs/semantics.md §4.1. The
// package tests cross-check every value here against registry.json, so an
// edit that drifts from the source fails the build's tests.

type refFact struct {
	network  Network
	txOutRef string
	address  string
	lovelace uint64
}

type scriptFact struct {
	role Role
	hash string
	refs []refFact
}

type setFact struct {
	version      Version
	registryName string
	note         string
	scripts      []scriptFact
}

// builtinFacts returns a fresh copy of the table on every call so that no
// package-level value can be mutated by a caller.
func builtinFacts() []setFact {
	return []setFact{
		{
			version:      V1,
			registryName: "auditV1Scripts",
			note:         "Audited",
			scripts: []scriptFact{
				{
					role: RoleSemantics,
					hash: "6a9391d6aa51af28dd876ebb5565b69d1e83e5ac7861506bd29b56b0",
					refs: []refFact{
						{Mainnet, "c4aff1631174a4463981fad948f17edf8550bf6a9347822abed74917e074271a#1", "addr1z9l4w7djneh0kss4drg2php6ynflsvmal7x3w5nrc95uvhz7e4q926apsvcd6kn33cpx95k8jsmrj7v0k62rczvz8urqrl2z0l", 54922330},
						{Preprod, "d1e488d70850fc36ef6971a65d1f45e2a7a433e4080e4c5c580d0b23094a955e#1", "addr_test1vrw0tuh8l95thdqr65dmpcfqnmcw0en7v7vhgegck7gzqgswa07sw", 54801650},
						{Preview, "929b418dd69c1b9531fdd55039e8f12aa9d6f11a27b600a8e0d56c7e9f2851a0#1", "addr_test1vrw0tuh8l95thdqr65dmpcfqnmcw0en7v7vhgegck7gzqgswa07sw", 54801650},
					},
				},
				{
					role: RolePayout,
					hash: "49076eab20243dc9462511fb98a9cfb719f86e9692288139b7c91df3",
					refs: []refFact{
						{Mainnet, "c4aff1631174a4463981fad948f17edf8550bf6a9347822abed74917e074271a#2", "addr1z9l4w7djneh0kss4drg2php6ynflsvmal7x3w5nrc95uvhz7e4q926apsvcd6kn33cpx95k8jsmrj7v0k62rczvz8urqrl2z0l", 12555030},
						{Preprod, "d1e488d70850fc36ef6971a65d1f45e2a7a433e4080e4c5c580d0b23094a955e#2", "addr_test1vpa36uuyf95kxpcleldsncedlhjru6vdmh2vnpkdrsz4u6cll9zas", 12434350},
						{Preview, "929b418dd69c1b9531fdd55039e8f12aa9d6f11a27b600a8e0d56c7e9f2851a0#2", "addr_test1vpa36uuyf95kxpcleldsncedlhjru6vdmh2vnpkdrsz4u6cll9zas", 12434350},
					},
				},
			},
		},
		{
			version:      V2,
			registryName: "postAuditV1Scripts",
			note:         "Changes in response to audit",
			scripts: []scriptFact{
				{
					role: RoleSemantics,
					hash: "2ed2631dbb277c84334453c5c437b86325d371f0835a28b910a91a6e",
					refs: []refFact{
						{Mainnet, "672399f7d551d6e06fda70769f830e4e3783495c6250567c6ae97ecc788ad5a4#1", "addr1z9l4w7djneh0kss4drg2php6ynflsvmal7x3w5nrc95uvhz7e4q926apsvcd6kn33cpx95k8jsmrj7v0k62rczvz8urqrl2z0l", 54021540},
						{Preprod, "9a8a6f387a3330b4141e1cb019380b9ac5c72151c0abc52aa4266245d3c555cd#1", "addr_test1vpyr8478g2lkhte6v240adhumqn0e5dfqa6nt0txp3gc0mgd5h2fl", 53900860},
						{Preview, "69bfdb7cd911e930bfa073a8c45121e7690939d7680196181731d0dd609ecb73#1", "addr_test1vpyr8478g2lkhte6v240adhumqn0e5dfqa6nt0txp3gc0mgd5h2fl", 53900860},
					},
				},
				{
					role: RolePayout,
					hash: "e165610232235bbbbeff5b998b233daae42979dec92a6722d9cda989",
					refs: []refFact{
						{Mainnet, "672399f7d551d6e06fda70769f830e4e3783495c6250567c6ae97ecc788ad5a4#2", "addr1z9l4w7djneh0kss4drg2php6ynflsvmal7x3w5nrc95uvhz7e4q926apsvcd6kn33cpx95k8jsmrj7v0k62rczvz8urqrl2z0l", 13020510},
						{Preprod, "9a8a6f387a3330b4141e1cb019380b9ac5c72151c0abc52aa4266245d3c555cd#2", "addr_test1vrmgtjj95nyvqlw4j2apvztfpdt0mv9crnhegsp5th550ug9l7tlx", 12899830},
						{Preview, "69bfdb7cd911e930bfa073a8c45121e7690939d7680196181731d0dd609ecb73#2", "addr_test1vrmgtjj95nyvqlw4j2apvztfpdt0mv9crnhegsp5th550ug9l7tlx", 12899830},
					},
				},
			},
		},
		{
			version:      V3,
			registryName: "node812V1Scripts",
			note:         "Recompiled with Node 8.1.2 dependencies",
			scripts: []scriptFact{
				{
					role: RoleSemantics,
					hash: "d85fa9bc2bdfd97d5ebdbc5e3fc66f7476213c40c21b73b41257f09d",
					refs: []refFact{
						{Mainnet, "074fc62f0eb2571ff816d2d76d3f6824bec0bb9f3c040a61942f3a1a5a92bd7a#1", "addr1z9l4w7djneh0kss4drg2php6ynflsvmal7x3w5nrc95uvhz7e4q926apsvcd6kn33cpx95k8jsmrj7v0k62rczvz8urqrl2z0l", 53581920},
						{Preprod, "c59678b6892ba0fbeeaaec22d4cbde17026ff614ed47cea02c47752e5853ebc8#1", "addr_test1vz53mawjqyzly4zdd7yr97s4wkef0y3jtzfzvtc2xr4rv4skmmd6n", 53461240},
						{Preview, "07ee392718487daeeb6b972e6813f527530eaf7184a31b001d8072a5ae76915d#1", "addr_test1vz53mawjqyzly4zdd7yr97s4wkef0y3jtzfzvtc2xr4rv4skmmd6n", 53461240},
					},
				},
				{
					role: RolePayout,
					hash: "10ec7e02d25f5836b3e1098e0d4d8389e71d7a97a57aa737adc1d1fa",
					refs: []refFact{
						{Mainnet, "074fc62f0eb2571ff816d2d76d3f6824bec0bb9f3c040a61942f3a1a5a92bd7a#2", "addr1z9l4w7djneh0kss4drg2php6ynflsvmal7x3w5nrc95uvhz7e4q926apsvcd6kn33cpx95k8jsmrj7v0k62rczvz8urqrl2z0l", 12369700},
						{Preprod, "c59678b6892ba0fbeeaaec22d4cbde17026ff614ed47cea02c47752e5853ebc8#2", "addr_test1vrkl3n9lfzzrkh7xsvg3apja297f5hsvdl8kawa8a5868mqecyjgc", 12249020},
						{Preview, "07ee392718487daeeb6b972e6813f527530eaf7184a31b001d8072a5ae76915d#2", "addr_test1vrkl3n9lfzzrkh7xsvg3apja297f5hsvdl8kawa8a5868mqecyjgc", 12249020},
					},
				},
				{
					role: RoleOpenRole,
					hash: "b1d61d0c8a3c0f081a7ccebf0050e3f2c9751e82a4f3953a769dddfb",
					refs: []refFact{
						{Mainnet, "78848686b42a5b051dd3c4c6847b4e93df1c8f4d98a5fdda941751d44bf6dd15#0", "addr1z9l4w7djneh0kss4drg2php6ynflsvmal7x3w5nrc95uvhz7e4q926apsvcd6kn33cpx95k8jsmrj7v0k62rczvz8urqrl2z0l", 20032880},
						{Preprod, "5f325073371633102979e661077bc2c24a6e0cdc02b95f181a453e7a3ec2344f#0", "addr_test1vqxdw4rlu6krp9fwgwcnld6y84wdahg585vrdy67n5urp9qyts0y7", 20000000},
					},
				},
			},
		},
		{
			version:      V4,
			registryName: "plutus11500V1Scripts",
			note:         "Optimized using PlutusTx 1.15",
			scripts: []scriptFact{
				{
					role: RoleSemantics,
					hash: "6027a8010c555a4dd6b08882b899f4b3167c6e4524047132202dd984",
					refs: []refFact{
						{Mainnet, "c6b08f8a12a3115b2d7d1a0f93aeab3af144da03c07812267988eecaa66d8e67#1", "addr1z9l4w7djneh0kss4drg2php6ynflsvmal7x3w5nrc95uvhz7e4q926apsvcd6kn33cpx95k8jsmrj7v0k62rczvz8urqrl2z0l", 47483270},
						{Preprod, "e3543aab8e8b5c267347d864484d1d2c3a376ec70d49b60784d9e0e544ce09f5#1", "addr_test1vrdw72k9ejttl6ng4gzl0t0vq68z2mzx4wdnr6v3554585q5dlfp8", 47362590},
						{Preview, "bd271dae5d8726e1ceab7fa0c90fa45e1430a629ef4e1ff98b492910ba1b6625#1", "addr_test1vrdw72k9ejttl6ng4gzl0t0vq68z2mzx4wdnr6v3554585q5dlfp8", 47362590},
					},
				},
				{
					role: RolePayout,
					hash: "fdade3b86107bc715037b468574dd8d3f884a0da8c9956086b9a1a51",
					refs: []refFact{
						{Mainnet, "c6b08f8a12a3115b2d7d1a0f93aeab3af144da03c07812267988eecaa66d8e67#2", "addr1z9l4w7djneh0kss4drg2php6ynflsvmal7x3w5nrc95uvhz7e4q926apsvcd6kn33cpx95k8jsmrj7v0k62rczvz8urqrl2z0l", 11029290},
						{Preprod, "e3543aab8e8b5c267347d864484d1d2c3a376ec70d49b60784d9e0e544ce09f5#2", "addr_test1vznzngme83923qgm66a2lnl7ln03t2qx4r4ay4s4w80ghpgf9q5yf", 10908610},
						{Preview, "bd271dae5d8726e1ceab7fa0c90fa45e1430a629ef4e1ff98b492910ba1b6625#2", "addr_test1vznzngme83923qgm66a2lnl7ln03t2qx4r4ay4s4w80ghpgf9q5yf", 10908610},
					},
				},
				{
					role: RoleOpenRole,
					hash: "36a5c7e49a6b11c7fb65fb61db69ed5ceaa35326af9d952fd30185c0",
					refs: []refFact{
						{Mainnet, "f05a809f3277228f9baf1d8721a3ef9c7943bdbfef65886f2afa2431ba1a5ac0#1", "addr1z9l4w7djneh0kss4drg2php6ynflsvmal7x3w5nrc95uvhz7e4q926apsvcd6kn33cpx95k8jsmrj7v0k62rczvz8urqrl2z0l", 16925370},
						{Preprod, "330656509fb49c633c5e211af8a492730ed4349b897e1ed32e701fadd76d777f#1", "addr_test1vqc4sgdyl29e54qplz268sg96xxj82jfnl70xtc52narplgppcf09", 16804690},
						{Preview, "af6b5c5d775ea92a44c2f4c49b940dbbfe36cbb37a12a7afc1f813e9976c0384#1", "addr_test1vqc4sgdyl29e54qplz268sg96xxj82jfnl70xtc52narplgppcf09", 16804690},
					},
				},
			},
		},
		{
			version:      V5,
			registryName: "caseAsDataV1Scripts",
			note:         "Optimized using PlutusTx.asData (current in runtime: getCurrentScripts)",
			scripts: []scriptFact{
				{
					role: RoleSemantics,
					hash: "377325ad84a55ba0282d844dff2d5f0f18c33fd4a28a0a9d73c6f60d",
					refs: []refFact{
						{Mainnet, "9e2f6031d9bd6ff1d08f38ff469657b8dac63ab78854a1fccca6b922292d0fce#1", "addr1q8cmu4u3quhxgansnxvfuzn5a9u6khvff4kggy35f5xl2qtsluv29uarg9hhghehhf7r7kmyrh6wsvtgg2caanrf94uscc58wh", 48776270},
						{Preprod, "9679fc6b0bb0d3d5e1fb09a4be589707553caefe6028bd726c8421066ec6bff7#1", "addr_test1vrcmu4u3quhxgansnxvfuzn5a9u6khvff4kggy35f5xl2qggkt5p7", 48655590},
						{Preview, "63e44f2ab9304e6d16aeceda07493d5ceb88e7f2d5e147dd208ef5edf3fbb436#1", "addr_test1vrcmu4u3quhxgansnxvfuzn5a9u6khvff4kggy35f5xl2qggkt5p7", 48655590},
						{Sanchonet, "20cdaf23baa04c87f65e2eac8e7dbf7f81ba9cfa0a28e3f1368e0d4beb9eeacb#1", "addr_test1vrcmu4u3quhxgansnxvfuzn5a9u6khvff4kggy35f5xl2qggkt5p7", 48655590},
					},
				},
				{
					role: RolePayout,
					hash: "fcb8885eb5e4f9a5cfca3c75e8c7280e482af32dcdf2d13e47d05d27",
					refs: []refFact{
						{Mainnet, "9e2f6031d9bd6ff1d08f38ff469657b8dac63ab78854a1fccca6b922292d0fce#2", "addr1qy0ph6lw0n2xdqgcy8qct5xpkhyy3cqkn8hjmctkq8zszumsluv29uarg9hhghehhf7r7kmyrh6wsvtgg2caanrf94usea72r0", 11658550},
						{Preprod, "9679fc6b0bb0d3d5e1fb09a4be589707553caefe6028bd726c8421066ec6bff7#2", "addr_test1vq0ph6lw0n2xdqgcy8qct5xpkhyy3cqkn8hjmctkq8zszucser4wx", 11537870},
						{Preview, "63e44f2ab9304e6d16aeceda07493d5ceb88e7f2d5e147dd208ef5edf3fbb436#2", "addr_test1vq0ph6lw0n2xdqgcy8qct5xpkhyy3cqkn8hjmctkq8zszucser4wx", 11537870},
						{Sanchonet, "20cdaf23baa04c87f65e2eac8e7dbf7f81ba9cfa0a28e3f1368e0d4beb9eeacb#2", "addr_test1vq0ph6lw0n2xdqgcy8qct5xpkhyy3cqkn8hjmctkq8zszucser4wx", 11537870},
					},
				},
				{
					role: RoleOpenRole,
					hash: "2722e12a53dfb4fe3742b8a2c0534bd16b0b5ae492a3d76554bbe8a5",
					refs: []refFact{
						{Mainnet, "71ac89e01f9b48ec9c388555f7b1d3ed8195d3013e47de6e0d64084311d9129e#1", "addr1q9heun9n9qjlgtkv7ldvl56wagju53ykr5ps49h80enx7grsluv29uarg9hhghehhf7r7kmyrh6wsvtgg2caanrf94usf2tt99", 17765820},
						{Preprod, "e3f2fc0da8eed52092eb909848365ab534177aea8321432f50e553848a7911c4#1", "addr_test1vpheun9n9qjlgtkv7ldvl56wagju53ykr5ps49h80enx7gq6yq5en", 17645140},
						{Preview, "4d1143205fd42dbc1d0c52a128bd6bad30d72ba49e15f80eb6b5bee803ca2cdc#1", "addr_test1vpheun9n9qjlgtkv7ldvl56wagju53ykr5ps49h80enx7gq6yq5en", 17645140},
						{Sanchonet, "cf31c53fde7430b9877d9ddee52130fb5ada800cb0185c6fbae52a604b5dd639#1", "addr_test1vpheun9n9qjlgtkv7ldvl56wagju53ykr5ps49h80enx7gq6yq5en", 17645140},
					},
				},
			},
		},
	}
}
