package render

import "math"

// pathArity is how many numbers each path command takes.
var pathArity = map[byte]int{
	'M': 2, 'L': 2, 'H': 1, 'V': 1, 'C': 6, 'S': 4, 'Q': 4, 'T': 2, 'A': 7, 'Z': 0,
}

// canonicalPath rewrites path data with every command letter written
// out and numbers separated by spaces, so that the library reads what a
// browser reads (it misreads "a1 1 0 00 10 10" and "M1.5.5"). As SVG
// says, drawing stops at the first error; at most maxNumbers numbers are
// read. It returns the data, a bound of its coordinates and the numbers read.
func canonicalPath(data string, maxNumbers int) (string, float64, int) {
	var out []byte
	var reach, drift float64
	count := 0
	i := skipSeparators(data, 0)
	var cmd byte
	for i < len(data) && count < maxNumbers {
		c := data[i]
		upper := c &^ 0x20
		if _, ok := pathArity[upper]; ok {
			cmd = c
			i++
		} else if cmd == 0 || (cmd&^0x20) == 'Z' {
			break // numbers with no command before them
		} else if cmd == 'M' || cmd == 'm' {
			cmd -= 'M' - 'L' // numbers after a moveto are linetos
		}
		if len(out) == 0 && cmd&^0x20 != 'M' {
			break // a path must start with a moveto
		}
		args, n, ok := pathArgs(data, i, cmd)
		if !ok {
			break
		}
		i = skipSeparators(data, n)
		out = append(out, cmd)
		for _, a := range args {
			out = formatNumber(append(out, ' '), a)
			if cmd >= 'a' {
				drift += math.Abs(a) // relative steps add up
			} else {
				reach = math.Max(reach, math.Abs(a))
			}
		}
		out = append(out, ' ')
		count += len(args) + 1
	}
	return string(out), reach + drift, count
}

// pathArgs reads the numbers of one command starting at i; an arc's
// flags are single digits that need no separator.
func pathArgs(data string, i int, cmd byte) ([]float64, int, bool) {
	arity := pathArity[cmd&^0x20]
	args := make([]float64, 0, arity)
	for k := 0; k < arity; k++ {
		i = skipSeparators(data, i)
		if (cmd&^0x20) == 'A' && (k == 3 || k == 4) {
			if i >= len(data) || (data[i] != '0' && data[i] != '1') {
				return nil, i, false
			}
			args = append(args, float64(data[i]-'0'))
			i++
			continue
		}
		v, n := readNumber(data[i:])
		if n == 0 {
			return nil, i, false
		}
		args = append(args, v)
		i += n
	}
	return args, i, true
}

// skipSeparators skips spaces and at most one comma.
func skipSeparators(data string, i int) int {
	comma := false
	for i < len(data) {
		switch c := data[i]; {
		case isSpace(c):
		case c == ',' && !comma:
			comma = true
		default:
			return i
		}
		i++
	}
	return i
}
