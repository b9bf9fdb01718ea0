// Command genlogo writes the gilgo logo files of the kernelspec:
// logo-32x32.png, logo-64x64.png and logo-svg.svg, into the directory given
// by -out. Run it with `go generate ./install`.
package main
