package main
import (
 _ "github.com/dgraph-io/badger/v4"
 _ "github.com/blinklabs-io/gouroboros"
 _ "github.com/fxamacker/cbor/v2"
 _ "github.com/rs/zerolog"
 _ "github.com/blinklabs-io/plutigo/data"
)
func main(){}
