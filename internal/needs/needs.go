package needs

import (
	"fmt"
	"os"
	"testing"
)

// RequireCompiledEnv names the environment variable that turns a missing
// compiled tier from a skip into a failure. .ci/run sets it.
const RequireCompiledEnv = "GILGO_REQUIRE_COMPILED"

// CompiledTier skips tb when unavailable (compiled.Check's answer,
// or a Compiler's Available) is non-nil, or fails it when
// $GILGO_REQUIRE_COMPILED is set, so that a CI without a toolchain or cgo
// cannot pass without testing that tier.
func CompiledTier(tb testing.TB, unavailable error) {
	tb.Helper()
	if unavailable == nil {
		return
	}
	if os.Getenv(RequireCompiledEnv) != "" {
		tb.Fatalf("the compiled tier is unavailable (%v), and $%s is set", unavailable, RequireCompiledEnv)
	}
	tb.Skipf("the compiled tier is unavailable here: %v", unavailable)
}

// CompiledCondition is CompiledTier for testscript's [compiled]
// condition: false when the tier is unavailable, an error when
// $GILGO_REQUIRE_COMPILED is set as well.
func CompiledCondition(unavailable error) (bool, error) {
	if unavailable != nil && os.Getenv(RequireCompiledEnv) != "" {
		return false, fmt.Errorf("the compiled tier is unavailable (%w), and $%s is set", unavailable, RequireCompiledEnv)
	}
	return unavailable == nil, nil
}
