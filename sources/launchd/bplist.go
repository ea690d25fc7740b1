package launchd

import (
	"encoding/binary"
	"fmt"
	"math"
)

// A binary property list (CoreFoundation's CFBinaryPList.c, format
// "bplist00") is a header, the objects, an offset table giving the
// position of every object, and a 32-byte trailer: 6 unused bytes, the
// size of an offset table entry, the size of an object reference, the
// number of objects, the top object and the position of the offset
// table (the last three 8 bytes, big-endian). An object starts with a
// marker byte: its type in the high nibble, and in the low nibble a
// size, or a count (0xF: an integer object follows with the count).
// Arrays and sets hold count references, dictionaries count key
// references then count value references; a reference is an index into
// the offset table, so one object may be referenced many times.

const bplistTrailerSize = 32

// bplistScan is the state of one checkBinary call.
type bplistScan struct {
	data       []byte
	offSize    int    // bytes per offset table entry
	refSize    int    // bytes per object reference
	numObjects uint64 // entries of the offset table
	tableOff   uint64 // where the offset table starts: objects end there
	// state[i] is 0 while object i has not been reached, 1 while it is
	// being expanded (on the path from the top), and 2+d once done,
	// where d is the nesting depth of its arrays and dictionaries (0 for
	// a scalar).
	state []uint16
	// count[i] is the number of objects object i decodes to, itself
	// included, once it is done.
	count []uint32
}

// frame is a container being expanded.
type frame struct {
	obj   uint64
	refs  uint64 // offset of its first reference
	n     uint64 // number of references
	next  uint64 // references read so far
	dict  bool   // keys first, then values
	count uint64 // objects so far, itself included
	depth uint64 // nesting so far, itself included
}

// checkBinary checks the structure of a binary plist and measures, in one
// pass over the objects reachable from the top (each array or dictionary
// read once, a shared one then counted from memory), the number of
// objects the decoder will build, counting a shared object once per
// reference, and the depth of nesting. It refuses more objects than
// expansionLimit, nesting deeper than maxPlistDepth, a reference cycle,
// any reference, offset or object outside its part of the file, and
// whatever else howett.net/plist would reject, so that a plist it
// accepts decodes. Its time and memory are linear in the file's size.
func checkBinary(data []byte) error {
	return checkBinaryWithin(data, expansionLimit(len(data)))
}

// checkBinaryWithin is checkBinary with a limit of limit objects.
func checkBinaryWithin(data []byte, limit uint64) error {
	const header = 8
	if len(data) < header+bplistTrailerSize {
		return binaryError{}
	}
	// The decoder reads the version as two digits, in byte arithmetic,
	// and knows versions 0 and 1.
	if (data[6]-'0')*10+(data[7]-'0') > 1 {
		return binaryError{}
	}
	tr := data[len(data)-bplistTrailerSize:]
	b := &bplistScan{data: data, offSize: int(tr[6]), refSize: int(tr[7])}
	b.numObjects = binary.BigEndian.Uint64(tr[8:])
	top := binary.BigEndian.Uint64(tr[16:])
	b.tableOff = binary.BigEndian.Uint64(tr[24:])
	tableEnd := uint64(len(data) - bplistTrailerSize)
	switch {
	// References of 8 bytes are refused by the decoder (1<<64 is 0).
	case b.offSize < 1 || b.offSize > 8 || b.refSize < 1 || b.refSize > 7,
		b.tableOff <= header || b.tableOff >= tableEnd,
		b.offSize < 8 && b.tableOff >= 1<<(8*b.offSize),
		// The offset table fills the space up to the trailer exactly.
		(tableEnd-b.tableOff)%uint64(b.offSize) != 0,
		b.numObjects != (tableEnd-b.tableOff)/uint64(b.offSize),
		b.numObjects > 1<<(8*b.refSize),
		top >= b.numObjects:
		return binaryError{}
	}
	b.state = make([]uint16, b.numObjects)
	b.count = make([]uint32, b.numObjects)
	return b.walk(top, limit)
}

// walk expands the object top depth first with an explicit stack.
func (b *bplistScan) walk(top, limit uint64) error {
	limit = min(limit, math.MaxUint32-1)
	tooMany := func() error {
		return &LimitError{Msg: fmt.Sprintf(
			"too large once expanded: the binary property list's shared references expand to more than %d objects (limit for a file of %d bytes: %d per byte plus %d)",
			limit, len(b.data), expandPerByte, expandFloor)}
	}
	// total is the sum of the counts of the frames on the stack, which
	// the top's final count will include: the walk stops as soon as it
	// passes the limit, so it reads at most limit references.
	var stack []frame
	var total uint64
	// reach accounts for object i, reached from the innermost frame (or
	// as the top): a done object adds its count and depth, a scalar
	// is done at once, a container is pushed.
	reach := func(i uint64, key bool) error {
		if i >= b.numObjects {
			return binaryError{}
		}
		if key && !b.isString(i) {
			return binaryError{} // the decoder wants string keys
		}
		switch st := b.state[i]; {
		case st == 1:
			return binaryError{} // a reference cycle
		case st == 0:
			refs, n, container, ok := b.object(i)
			if !ok {
				return binaryError{}
			}
			if container {
				if len(stack)+1 > maxPlistDepth {
					return depthError(0, "binary property list")
				}
				b.state[i] = 1
				dict := b.data[b.offset(i)]>>4 == 0xD
				stack = append(stack, frame{obj: i, refs: refs, n: n, dict: dict, count: 1, depth: 1})
				if total++; total > limit {
					return tooMany()
				}
				return nil
			}
			b.state[i], b.count[i] = 2, 1
		}
		d, c := uint64(b.state[i]-2), uint64(b.count[i])
		if uint64(len(stack))+d > maxPlistDepth {
			return depthError(0, "binary property list")
		}
		if total += c; total > limit {
			return tooMany()
		}
		if len(stack) > 0 {
			f := &stack[len(stack)-1]
			f.count += c
			f.depth = max(f.depth, 1+d)
		}
		return nil
	}
	if err := reach(top, false); err != nil {
		return err
	}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.next < f.n {
			ref := b.uint(f.refs+f.next*uint64(b.refSize), b.refSize)
			key := f.dict && f.next < f.n/2
			f.next++
			if err := reach(ref, key); err != nil {
				return err
			}
			continue
		}
		done := *f
		stack = stack[:len(stack)-1]
		total -= done.count // added back below, as the parent's
		b.state[done.obj] = uint16(2 + done.depth)
		b.count[done.obj] = uint32(done.count)
		if err := reach(done.obj, false); err != nil {
			return err
		}
	}
	return nil
}

// object reads the marker of object i and checks that the object lies
// before the offset table. For an array, set or dictionary it returns
// where its references start and how many there are.
func (b *bplistScan) object(i uint64) (refs, n uint64, container, ok bool) {
	off := b.offset(i)
	if off < 8 || off >= b.tableOff {
		return 0, 0, false, false
	}
	marker := b.data[off]
	low := uint64(marker & 0x0F)
	start := off + 1
	var size uint64 // bytes after the marker (and count)
	switch marker >> 4 {
	case 0x0: // booleans (the decoder knows no null or fill)
		if marker != 0x08 && marker != 0x09 {
			return 0, 0, false, false
		}
	case 0x1: // integer of 2^low bytes
		if low > 4 {
			return 0, 0, false, false
		}
		size = 1 << low
	case 0x2: // real of 2^low bytes
		if low != 2 && low != 3 {
			return 0, 0, false, false
		}
		size = 1 << low
	case 0x3: // date
		if low != 3 {
			return 0, 0, false, false
		}
		size = 8
	case 0x4, 0x5, 0x6, 0xA, 0xD: // data, ASCII, UTF-16, array, dictionary (no sets)
		count, next, ok := b.count8(off, low)
		if !ok {
			return 0, 0, false, false
		}
		start = next
		per := uint64(1)
		switch marker >> 4 {
		case 0x6:
			per = 2
		case 0xA:
			per, container = uint64(b.refSize), true
		case 0xD:
			per, container = 2*uint64(b.refSize), true
		}
		if count > (b.tableOff-start)/per {
			return 0, 0, false, false
		}
		size = count * per
		if container {
			n = count
			if marker>>4 == 0xD {
				n = 2 * count
			}
		}
	case 0x8: // UID of low+1 bytes: 1 to 8, or 16
		if low >= 8 && low != 15 {
			return 0, 0, false, false
		}
		size = low + 1
	default:
		return 0, 0, false, false
	}
	if size > b.tableOff-start {
		return 0, 0, false, false
	}
	return start, n, container, true
}

// offset returns the position of object i, from the offset table.
func (b *bplistScan) offset(i uint64) uint64 {
	return b.uint(b.tableOff+i*uint64(b.offSize), b.offSize)
}

// isString reports whether object i is an ASCII or UTF-16 string.
func (b *bplistScan) isString(i uint64) bool {
	off := b.offset(i)
	if off >= b.tableOff {
		return false
	}
	m := b.data[off] >> 4
	return m == 0x5 || m == 0x6
}

// count8 reads the count of the object at off whose marker's low nibble
// is low: low itself, or for 0xF the integer object that follows (of
// 1, 2, 4 or 8 bytes). next is where the object's content starts.
func (b *bplistScan) count8(off, low uint64) (count, next uint64, ok bool) {
	if low != 0xF {
		return low, off + 1, true
	}
	if off+2 > b.tableOff {
		return 0, 0, false
	}
	m := b.data[off+1]
	if m>>4 != 0x1 || m&0x0F > 3 {
		return 0, 0, false
	}
	size := uint64(1) << (m & 0x0F)
	if off+2+size > b.tableOff {
		return 0, 0, false
	}
	return b.uint(off+2, int(size)), off + 2 + size, true
}

// uint reads a big-endian unsigned integer of size bytes at off, which
// the caller has checked lies inside the file.
func (b *bplistScan) uint(off uint64, size int) uint64 {
	var v uint64
	for _, c := range b.data[off : off+uint64(size)] {
		v = v<<8 | uint64(c)
	}
	return v
}
