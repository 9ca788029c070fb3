package storetest_test

import (
	"testing"

	"github.com/ottpay-toolkit/ottpay/sandbox"
	"github.com/ottpay-toolkit/ottpay/sandbox/storetest"
)

// The sandbox's default store keeps the contract.
func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) sandbox.Store { return sandbox.NewMemoryStore() })
}
