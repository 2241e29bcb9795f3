package archive_test

import (
	"fmt"

	"rankfile/archive"
)

func ExampleSURT() {
	fmt.Println(archive.SURT("https://www.BmoreCaucus.test/Community-Partnerships?b=2&a=1#top"))
	fmt.Println(archive.SURT("http://wp.towson.test:8080/urbanedemproj/"))
	// Output:
	// test,bmorecaucus)/community-partnerships?a=1&b=2
	// test,towson,wp:8080)/urbanedemproj/
}
