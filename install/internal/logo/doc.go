// Package logo draws the gilgo logo: a gopher-blue rounded square with the
// letters "go" and a small padlock (the interpreter lock). The same geometry
// produces the PNG rasters (Render) and the SVG (SVG), so they always match.
//
// All functions are pure and safe for concurrent use.
package logo
