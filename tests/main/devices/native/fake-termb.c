/*
 * A stand-in for a 华视 termb-style reader SDK, for the tests: the CVR_* calls and the
 * getters, driven by a control file the test writes (path compiled in: -DCONTROL="...").
 * Each call reads the file anew, so the test changes the reader's state between calls:
 *
 *   init=N            CVR_InitComm returns N (default 1)
 *   auth=N            CVR_Authenticate returns N (default 2: no card; 1 card; 3 select failed)
 *   read=N            CVR_Read_Content returns N (default 1)
 *   hang.FUNC=MS      FUNC sleeps MS milliseconds before it returns
 *   GetPeopleName=…   a getter's bytes (GBK), up to the end of the line; a getter whose
 *                     line is missing returns 0
 *   bmpFile=PATH      GetBMPData hands out the bytes of that file
 *
 * Every call is appended to CONTROL.log as "FUNC ARG".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CONTROL
#error "compile with -DCONTROL=\"/path/to/control\""
#endif

static char control[65536];
static size_t control_len;

static void load(void) {
  FILE *file = fopen(CONTROL, "rb");
  control_len = 0;
  if (file) {
    control_len = fread(control, 1, sizeof control - 1, file);
    fclose(file);
  }
  control[control_len] = 0;
}

/* The bytes after "key=" up to the end of its line, or NULL. */
static const char *value(const char *key, size_t *len) {
  size_t key_len = strlen(key);
  const char *at = control;
  const char *end = control + control_len;
  while (at < end) {
    const char *eol = memchr(at, '\n', (size_t)(end - at));
    if (!eol) eol = end;
    if ((size_t)(eol - at) > key_len && memcmp(at, key, key_len) == 0 && at[key_len] == '=') {
      *len = (size_t)(eol - at) - key_len - 1;
      return at + key_len + 1;
    }
    at = eol + 1;
  }
  return NULL;
}

static int number(const char *key, int fallback) {
  size_t len;
  const char *text = value(key, &len);
  char buffer[32];
  if (!text) return fallback;
  if (len >= sizeof buffer) len = sizeof buffer - 1;
  memcpy(buffer, text, len);
  buffer[len] = 0;
  return atoi(buffer);
}

static void enter(const char *name, int arg) {
  char key[96];
  FILE *log = fopen(CONTROL ".log", "a");
  if (log) {
    fprintf(log, "%s %d\n", name, arg);
    fclose(log);
  }
  load();
  snprintf(key, sizeof key, "hang.%s", name);
  int ms = number(key, 0);
  if (ms > 0) usleep((useconds_t)ms * 1000);
}

int CVR_InitComm(int port) {
  enter("CVR_InitComm", port);
  return number("init", 1);
}

int CVR_Authenticate(void) {
  enter("CVR_Authenticate", 0);
  return number("auth", 2);
}

int CVR_Read_Content(int active) {
  enter("CVR_Read_Content", active);
  return number("read", 1);
}

int CVR_CloseComm(void) {
  enter("CVR_CloseComm", 0);
  return 1;
}

static int getter(const char *name, unsigned char *buffer, int *len) {
  size_t size;
  enter(name, 0);
  const char *text = value(name, &size);
  if (!text) return 0;
  memcpy(buffer, text, size);
  *len = (int)size;
  return 1;
}

#define GETTER(name) \
  int name(unsigned char *buffer, int *len) { return getter(#name, buffer, len); }

GETTER(GetPeopleName)
GETTER(GetPeopleSex)
GETTER(GetPeopleNation)
GETTER(GetPeopleBirthday)
GETTER(GetPeopleAddress)
GETTER(GetPeopleIDCode)
GETTER(GetDepartment)
GETTER(GetStartDate)
GETTER(GetEndDate)
GETTER(GetCertType)

int GetBMPData(unsigned char *buffer, int *len) {
  size_t size;
  char path[1024];
  enter("GetBMPData", 0);
  const char *text = value("bmpFile", &size);
  if (!text || size >= sizeof path) return 0;
  memcpy(path, text, size);
  path[size] = 0;
  FILE *file = fopen(path, "rb");
  if (!file) return 0;
  *len = (int)fread(buffer, 1, 40000, file);
  fclose(file);
  return 1;
}
