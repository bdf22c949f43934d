package filetype

import "testing"

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		b, name, want string
	}{
		{"%PDF-1.7\n", "a.bin", PDF},
		{"\xFF\xD8\xFF\xE0\x00\x10JFIF", "x", JPEG},
		{"\x89PNG\r\n\x1a\n\x00\x00", "x", PNG},
		{"GIF89a....", "x", GIF},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", "x", WebP},
		{"RIFF\x00\x00\x00\x00WAVEfmt ", "x", WAV},
		{"ID3\x04\x00", "x", MP3},
		{"OggS\x00\x02", "x", Ogg},
		{"\x00\x00\x00\x18ftypmp42", "x", MP4},
		{"\x1A\x45\xDF\xA3\x9f", "x", WebM},
		{"PK\x03\x04\x14\x00", "bien-ban.docx", Docx},
		{"PK\x03\x04\x14\x00", "bang.XLSX", Xlsx},
		{"PK\x03\x04\x14\x00", "hoso.zip", Zip},
		{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "x.doc", Doc},
		{"Biên bản tiếp nhận\nngày 02/03/2026", "x.txt", Text},
		{"MZ\x90\x00\x03\x00", "photo.jpg", Unknown},
		{"\x7fELF\x02\x01", "x", Unknown},
		{"", "x", Unknown},
		{"text with \x00 nul", "x", Unknown},
	} {
		if got := Detect([]byte(c.b), c.name); got != c.want {
			t.Errorf("Detect(%q, %q) = %s, want %s", c.b, c.name, got, c.want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte("%PDF-1.4"), "a.pdf")
	f.Add([]byte("PK\x03\x04"), "a.docx")
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		got := Detect(b, name)
		if got == "" {
			t.Fatal("empty type")
		}
	})
}
