import { describe, expect, it } from 'vitest';
import {
  alignTo,
  angle,
  dihedral,
  distance,
  fromZMatrix,
  kabsch,
  lerpAngleDeg,
  pairDistances,
  placeAtom,
  rmsd,
  rotateAboutAxis,
  rotateAtoms,
  wrapDeg,
  type Vec3,
} from '../../src/chem/geometry.ts';
import {
  AZO,
  azoFromInternals,
  azoInterpolatedPath,
  azoKeyCoords,
  azoToInternals,
  buildAzobenzene,
  permuteAtoms,
} from '../../src/chem/azobenzene.ts';
import { buildGlycine, glyKeyCoords } from '../../src/chem/glycine.ts';

const flat = (...p: Vec3[]) => Float64Array.from(p.flat());

describe('geometry primitives', () => {
  it('distance, angle and signed dihedral on hand-made points', () => {
    const R = flat([1, 0, 0], [0, 0, 0], [0, 1, 0], [0, 1, 1]);
    expect(distance(R, 0, 1)).toBeCloseTo(1, 12);
    expect(distance(R, 0, 3)).toBeCloseTo(Math.sqrt(3), 12);
    expect(angle(R, 0, 1, 2)).toBeCloseTo(90, 10);
    // looking down 1→2 (+y), atom 0 at +x, atom 3 at +z: rotating +x onto +z about +y is −90°
    expect(dihedral(R, 0, 1, 2, 3)).toBeCloseTo(-90, 10);
    const R2 = flat([1, 0, 0], [0, 0, 0], [0, 1, 0], [0, 1, -1]);
    expect(dihedral(R2, 0, 1, 2, 3)).toBeCloseTo(90, 10);
    const trans = flat([1, 0, 0], [0, 0, 0], [0, 1, 0], [-1, 1, 0]);
    expect(Math.abs(dihedral(trans, 0, 1, 2, 3))).toBeCloseTo(180, 10);
  });

  it('wrapDeg and lerpAngleDeg take the short way round', () => {
    expect(wrapDeg(190)).toBeCloseTo(-170, 12);
    expect(wrapDeg(-180)).toBe(180);
    expect(wrapDeg(720 + 5)).toBeCloseTo(5, 12);
    expect(lerpAngleDeg(170, -170, 0.5)).toBeCloseTo(180, 12);
    expect(lerpAngleDeg(10, 50, 0.25)).toBeCloseTo(20, 12);
  });

  it('rotation about an axis keeps distances to the axis and turns by the asked angle', () => {
    const p = rotateAboutAxis([1, 0, 0], [0, 0, 0], [0, 0, 2], 90);
    expect(p[0]).toBeCloseTo(0, 12);
    expect(p[1]).toBeCloseTo(1, 12);
    expect(p[2]).toBeCloseTo(0, 12);
    // rotating the last atom of a dihedral about the central bond changes the dihedral by that much
    const R = flat([1, 0, 0], [0, 0, 0], [0, 1, 0], [0.3, 1.5, 0.8]);
    const d0 = dihedral(R, 0, 1, 2, 3);
    rotateAtoms(R, [3], 1, 2, 25);
    // a right-handed turn of the back atom about j→k raises the dihedral (IUPAC sign)
    expect(wrapDeg(dihedral(R, 0, 1, 2, 3) - d0)).toBeCloseTo(25, 9);
  });

  it('placeAtom reproduces the requested bond, angle and dihedral', () => {
    const a: Vec3 = [0.1, -0.7, 0.3];
    const b: Vec3 = [1.2, 0.2, -0.1];
    const c: Vec3 = [1.9, 1.3, 0.4];
    for (const [bond, ang, dih] of [
      [1.5, 109.5, 60],
      [1.1, 120, -170],
      [0.97, 200, 10], // an "extended" angle past 180° lands on the other branch
    ]) {
      const d = placeAtom(a, b, c, bond, ang, dih);
      const R = flat(a, b, c, d);
      expect(distance(R, 2, 3)).toBeCloseTo(bond, 10);
      if (ang <= 180) {
        expect(angle(R, 1, 2, 3)).toBeCloseTo(ang, 8);
        expect(dihedral(R, 0, 1, 2, 3)).toBeCloseTo(dih, 8);
      } else {
        expect(angle(R, 1, 2, 3)).toBeCloseTo(360 - ang, 8);
        expect(wrapDeg(dihedral(R, 0, 1, 2, 3) - (dih + 180))).toBeCloseTo(0, 8);
      }
    }
  });

  it('fromZMatrix builds water-like and ethane-like fragments', () => {
    const R = fromZMatrix([
      {},
      { bond: 1.0 },
      { bondTo: 0, bond: 1.2, angleTo: 1, angle: 104.5 },
      { bondTo: 2, bond: 1.3, angleTo: 0, angle: 110, dihedralTo: 1, dihedral: -65 },
    ]);
    expect(distance(R, 0, 1)).toBeCloseTo(1.0, 12);
    expect(distance(R, 0, 2)).toBeCloseTo(1.2, 12);
    expect(angle(R, 1, 0, 2)).toBeCloseTo(104.5, 10);
    expect(dihedral(R, 1, 0, 2, 3)).toBeCloseTo(-65, 9);
  });

  it('Kabsch recovers a known rotation + translation (never a reflection)', () => {
    const A = buildGlycine(180);
    // rotate by 73° about an oblique axis, then shift
    const B = new Float64Array(A.length);
    for (let i = 0; i < A.length / 3; i++) {
      const p = rotateAboutAxis([A[3 * i], A[3 * i + 1], A[3 * i + 2]], [0.2, -0.4, 0.9], [1, 2, -0.5], 73);
      B.set([p[0] + 3, p[1] - 1, p[2] + 0.5], 3 * i);
    }
    const al = alignTo(A, B);
    for (let i = 0; i < A.length; i++) expect(al[i]).toBeCloseTo(B[i], 9);
    expect(rmsd(A, B)).toBeLessThan(1e-9);
    const { rot } = kabsch(A, B);
    const det =
      rot[0][0] * (rot[1][1] * rot[2][2] - rot[1][2] * rot[2][1]) -
      rot[0][1] * (rot[1][0] * rot[2][2] - rot[1][2] * rot[2][0]) +
      rot[0][2] * (rot[1][0] * rot[2][1] - rot[1][1] * rot[2][0]);
    expect(det).toBeCloseTo(1, 10);
    // a mirror image cannot be superimposed
    const mirror = Float64Array.from(A, (x, j) => (j % 3 === 0 ? -x : x));
    expect(rmsd(A, mirror)).toBeGreaterThan(0.1);
  });

  it('pairDistances uses the sGDML order (1,0),(2,0),(2,1),…', () => {
    const R = flat([0, 0, 0], [1, 0, 0], [0, 2, 0], [0, 0, 3]);
    expect(Array.from(pairDistances(R))).toEqual([1, 2, Math.sqrt(5), 3, Math.sqrt(10), Math.sqrt(13)]);
  });
});

describe('azobenzene internals and paths', () => {
  const cis = buildAzobenzene({ b: 1.25, a: 1.43, theta: 124, thetaPrime: 124, phi: 8, psiA: 50, psiB: 50 });
  const trans = buildAzobenzene({
    b: 1.25,
    a: 1.42,
    theta: 114,
    thetaPrime: 114,
    phi: 180,
    psiA: 0,
    psiB: 0,
  });

  it('the builder gives the requested key coordinates and sane bonds', () => {
    const k = azoKeyCoords(cis);
    expect(k.phi).toBeCloseTo(8, 9);
    expect(k.theta).toBeCloseTo(124, 9);
    expect(k.thetaPrime).toBeCloseTo(124, 9);
    expect(k.a).toBeCloseTo(1.43, 9);
    expect(k.b).toBeCloseTo(1.25, 9);
    const d = pairDistances(cis);
    expect(Math.min(...d)).toBeGreaterThan(1.0);
    expect(Math.abs(azoKeyCoords(trans).phi)).toBeCloseTo(180, 9);
  });

  it('internals → Cartesian round trip is exact up to a rigid motion (also on the extended branch)', () => {
    for (const R of [cis, trans]) {
      for (const ext of [false, true]) {
        const back = azoFromInternals(azoToInternals(R, ext));
        expect(rmsd(back, R)).toBeLessThan(1e-9);
      }
    }
  });

  it('interpolated paths start at cis, end at trans and move the right coordinate', () => {
    const rot = azoInterpolatedPath(cis, trans, 'rotation', 17);
    expect(rot.frames).toHaveLength(17);
    expect(rmsd(rot.frames[0], cis)).toBeLessThan(1e-9);
    expect(rmsd(rot.frames[16], permuteAtoms(trans, rot.transPermutation))).toBeLessThan(1e-9);
    expect(Math.abs(azoKeyCoords(rot.frames[8]).phi)).toBeCloseTo(8 + (180 - 8) / 2, 6);
    expect(azoKeyCoords(rot.frames[8]).theta).toBeCloseTo(119, 6);

    const inv = azoInterpolatedPath(cis, trans, 'inversion', 17);
    expect(rmsd(inv.frames[16], permuteAtoms(trans, inv.transPermutation))).toBeLessThan(1e-9);
    // θ′ climbs through 180° while θ and the torsion stay put (φ flips sign branch past 180°)
    const th = inv.frames.map((f) => azoKeyCoords(f).thetaPrime);
    expect(Math.max(...th)).toBeGreaterThan(170);
    expect(th[7]).toBeGreaterThan(th[1]);
    for (const f of inv.frames) {
      const k = azoKeyCoords(f);
      expect(Math.min(Math.abs(k.phi), 180 - Math.abs(k.phi))).toBeLessThan(10);
      expect(Math.min(...pairDistances(f))).toBeGreaterThan(1.0);
    }
    // consecutive points are close (no ring flips or jumps)
    for (let i = 1; i < 17; i++) expect(rmsd(inv.frames[i], inv.frames[i - 1])).toBeLessThan(0.5);
    for (let i = 1; i < 17; i++) expect(rmsd(rot.frames[i], rot.frames[i - 1])).toBeLessThan(0.5);

    const ri = azoInterpolatedPath(cis, trans, 'rotation-inversion', 17, 175);
    expect(azoKeyCoords(ri.frames[8]).thetaPrime).toBeCloseTo(175, 6);
  });

  it('key atom indices match the documented order', () => {
    expect(AZO.phi).toEqual([2, 0, 1, 8]);
  });
});

describe('glycine', () => {
  it('Ip and IIIp starting geometries have the paper torsions', () => {
    const ip = glyKeyCoords(buildGlycine(180));
    expect(Math.abs(ip.tau1)).toBeCloseTo(180, 9);
    expect(ip.tau2).toBeCloseTo(0, 9);
    const iii = glyKeyCoords(buildGlycine(0));
    expect(iii.tau1).toBeCloseTo(0, 9);
    expect(Math.abs(iii.tau2)).toBeCloseTo(180, 9);
  });
});
