package session

import (
	"fmt"
	"strings"
)

// maxTierNotes bounds the cells %tier remembers.
const maxTierNotes = 100

// tierNote is which tier ran one cell, and why.
type tierNote struct {
	cell         int
	tier, reason string
}

// noteTier remembers which tier ran c (for %tier) and returns the
// execute_reply metadata that says so.
func (s *Session) noteTier(c *cell) map[string]any {
	tier := c.tier
	if tier == "" {
		tier = "interpreted"
	}
	s.cellMu.Lock()
	s.tiers = append(s.tiers, tierNote{cell: c.n, tier: tier, reason: c.tierWhy})
	if len(s.tiers) > maxTierNotes {
		s.tiers = s.tiers[len(s.tiers)-maxTierNotes:]
	}
	s.cellMu.Unlock()
	md := map[string]any{"tier": tier}
	if c.tierWhy != "" {
		md["reason"] = c.tierWhy
	}
	return map[string]any{"gilgo": md}
}

// tierReport is what %tier prints: a line per cell run so far (the last
// maxTierNotes), without the %tier cell itself.
func (s *Session) tierReport() string {
	s.cellMu.Lock()
	defer s.cellMu.Unlock()
	if len(s.tiers) == 0 {
		return "no cell has run yet\n"
	}
	var b strings.Builder
	for _, t := range s.tiers {
		fmt.Fprintf(&b, "cell[%d]: %s", t.cell, t.tier)
		if t.reason != "" {
			b.WriteString(" (" + t.reason + ")")
		}
		b.WriteByte('\n')
	}
	return b.String()
}
