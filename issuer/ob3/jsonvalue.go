package ob3

// allLevels makes copyJSON copy a value entirely.
const allLevels = -1

// copyJSON copies a decoded JSON value (maps, slices and scalars as
// encoding/json makes them) down to levels levels of maps and slices;
// deeper ones are shared with v. allLevels copies everything.
func copyJSON(v any, levels int) any {
	if levels == 0 {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = copyJSON(e, levels-1)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			a[i] = copyJSON(e, levels-1)
		}
		return a
	}
	return v
}

// countValues counts the values in v, v itself and every map, slice and
// scalar inside it, stopping once the count passes limit.
func countValues(v any, limit int) int {
	n := 0
	var walk func(any)
	walk = func(v any) {
		if n > limit {
			return
		}
		n++
		switch t := v.(type) {
		case map[string]any:
			for _, e := range t {
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return n
}
