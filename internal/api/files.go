package api

import (
	"io"
	"net/http"
	"strings"

	"ctip"
)

// readUpload reads the multipart field "file" of an attachment upload: its
// name and at most max+1 bytes (the service refuses more, naming the limit).
func readUpload(r *http.Request, max int64) (string, []byte, error) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return "", nil, &http.MaxBytesError{}
		}
		var p ctip.Problems
		p.Add("file", "error.multipart")
		return "", nil, p.Err()
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		var p ctip.Problems
		p.Add("file", "error.required")
		return "", nil, p.Err()
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, max+1))
	return hdr.Filename, content, err
}
