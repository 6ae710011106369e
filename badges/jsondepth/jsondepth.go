// Package jsondepth measures how deeply JSON nests without decoding it,
// for refusing outside input before a decoder recurses into it.
package jsondepth

// Of measures how deeply arrays and objects nest in b, and stops once it
// passes limit. Strings are skipped, escapes included; b is not validated.
func Of(b []byte, limit int) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > deepest {
				if deepest = depth; deepest > limit {
					return deepest
				}
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}
