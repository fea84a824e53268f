/*
 * A stand-in for a licensed WLT photo decoder, for the tests: the same entry point as the
 * vendors' (int unpack(char *src, char *dst, int bmpSave), 1 on success) and a picture
 * that follows from the input bytes, so a test can compute what it must get.
 *
 *   blue  = src[(x + y) % 1024] + x      first byte 0xEE: returns -5 (vendors: "not licensed")
 *   green = src[(x * y) % 1024] + y      first byte 0xDD: sleeps 2 s first (a decoder that hangs)
 *   red   = bmpSave + x + y
 *
 * Built with -DWITHOUT_UNPACK it has no unpack at all (a library that is not a decoder).
 * Built with -DFACE_BGR_FILE='"/path"' it gives that file's 102×126 BGR pixels instead: a card
 * whose photo shows a face, for the face match's end-to-end test.
 */
#include <stdio.h>
#include <unistd.h>

#ifndef WITHOUT_UNPACK
int unpack(char *src, char *dst, int bmpSave) {
  const unsigned char *in = (const unsigned char *)src;
  unsigned char *out = (unsigned char *)dst;
  if (in[0] == 0xEE) return -5;
  if (in[0] == 0xDD) usleep(2000 * 1000);
#ifdef FACE_BGR_FILE
  FILE *face = fopen(FACE_BGR_FILE, "rb");
  if (!face) return -2;
  size_t got = fread(out, 1, 102 * 126 * 3, face);
  fclose(face);
  return got == 102 * 126 * 3 ? 1 : -3;
#endif
  for (int y = 0; y < 126; y++) {
    for (int x = 0; x < 102; x++) {
      unsigned char *pixel = out + (y * 102 + x) * 3;
      pixel[0] = (unsigned char)(in[(x + y) % 1024] + x);
      pixel[1] = (unsigned char)(in[(x * y) % 1024] + y);
      pixel[2] = (unsigned char)(bmpSave + x + y);
    }
  }
  return 1;
}
#else
int GetBmp(char *file, int intf) { return file && intf ? 1 : 0; }
#endif
