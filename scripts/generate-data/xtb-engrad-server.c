/*
 * xtb-engrad-server: a persistent energy+gradient process over the libxtb C API (libxtb6).
 *
 * Protocol (text, one request per line, so the TypeScript driver can talk to it over pipes):
 *   argv: <method> <natoms> <Z1> ... <ZN>     (neutral, closed shell, non-periodic)
 *         method: 0 GFN0-xTB, 1 GFN1-xTB, 2 GFN2-xTB, ff GFN-FF
 *   stdin, one line per request:  x1 y1 z1 x2 ... zN      positions in Angstrom
 *   stdout, one line per answer:  OK E g1x g1y ... gNz     energy Hartree, gradient Hartree/Bohr
 *                              or ERR <message>
 * The SCC of each request starts from the previous converged wavefunction (the results object is
 * kept), which is what an MD driver wants. All xtb output is muted; fd 1 is moved away from xtb.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <unistd.h>
#include <fcntl.h>
#include "xtb.h"

static const double ANGSTROM_TO_BOHR = 1.0 / 0.529177210903;

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s gfn natoms Z...\n", argv[0]); return 2; }
  int gfn = strcmp(argv[1], "ff") == 0 ? 3 : atoi(argv[1]);
  int n = atoi(argv[2]);
  if (n <= 0 || argc != 3 + n) { fprintf(stderr, "bad atom count\n"); return 2; }
  int *z = malloc(sizeof(int) * n);
  for (int i = 0; i < n; i++) z[i] = atoi(argv[3 + i]);

  /* keep the protocol channel private: xtb may write to unit 6 (fd 1) */
  int proto = dup(1);
  int devnull = open("/dev/null", O_WRONLY);
  dup2(devnull, 1);
  FILE *out = fdopen(proto, "w");

  double *xyz = malloc(sizeof(double) * 3 * n);
  double *grad = malloc(sizeof(double) * 3 * n);
  double charge = 0.0; int uhf = 0;
  xtb_TEnvironment env = xtb_newEnvironment();
  xtb_setVerbosity(env, 0);
  xtb_TCalculator calc = xtb_newCalculator();
  xtb_TResults res = xtb_newResults();
  xtb_TMolecule mol = NULL;

  size_t cap = 1 << 16; char *line = malloc(cap);
  char err[1024]; int errlen = sizeof(err);
  while (getline(&line, &cap, stdin) > 0) {
    char *p = line, *end;
    int k = 0;
    for (; k < 3 * n; k++) {
      double v = strtod(p, &end);
      if (end == p) break;
      xyz[k] = v * ANGSTROM_TO_BOHR; p = end;
    }
    if (k != 3 * n) { fprintf(out, "ERR expected %d numbers, got %d\n", 3 * n, k); fflush(out); continue; }
    if (mol == NULL) {
      mol = xtb_newMolecule(env, &n, z, xyz, &charge, &uhf, NULL, NULL);
      if (xtb_checkEnvironment(env)) goto fail;
      if (gfn == 0) xtb_loadGFN0xTB(env, mol, calc, NULL);
      else if (gfn == 1) xtb_loadGFN1xTB(env, mol, calc, NULL);
      else if (gfn == 2) xtb_loadGFN2xTB(env, mol, calc, NULL);
      else if (gfn == 3) xtb_loadGFNFF(env, mol, calc, NULL);
      else { fprintf(out, "ERR unknown gfn %d\n", gfn); fflush(out); return 2; }
      if (xtb_checkEnvironment(env)) goto fail;
      if (gfn == 1 || gfn == 2) {
        xtb_setAccuracy(env, calc, 1.0);
        xtb_setMaxIter(env, calc, 250);
      }
    } else {
      xtb_updateMolecule(env, mol, xyz, NULL);
      if (xtb_checkEnvironment(env)) goto fail;
    }
    xtb_singlepoint(env, mol, calc, res);
    if (xtb_checkEnvironment(env)) goto fail;
    double e;
    xtb_getEnergy(env, res, &e);
    xtb_getGradient(env, res, grad);
    if (xtb_checkEnvironment(env)) goto fail;
    fprintf(out, "OK %.17g", e);
    for (int i = 0; i < 3 * n; i++) fprintf(out, " %.17g", grad[i]);
    fprintf(out, "\n"); fflush(out);
    continue;
  fail:
    errlen = sizeof(err);
    xtb_getError(env, err, &errlen);
    for (char *c = err; *c; c++) if (*c == '\n') *c = ' ';
    fprintf(out, "ERR %s\n", err); fflush(out);
    /* start the next request from a fresh wavefunction */
    xtb_delResults(&res); res = xtb_newResults();
  }
  return 0;
}
