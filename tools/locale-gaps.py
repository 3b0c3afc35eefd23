#!/usr/bin/env python3
"""Lists (or, with --fill, appends from en.yaml) the keys a locale lacks compared with fr.yaml.

Filling is only a stop-gap while a translation is under way: the filled lines are marked '# TODO translate'
so that a translator finds them, and LocaleTests keep failing on the untranslated native name.
"""
import re, sys, pathlib
root = pathlib.Path(__file__).resolve().parent.parent / "locales"
key_re = re.compile(r'^([a-z0-9_.\-]+):')
def keys(path):
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = key_re.match(line)
        if m: out[m.group(1)] = line
    return out
base = keys(root / "fr.yaml"); en = keys(root / "en.yaml")
fill = "--fill" in sys.argv
for f in sorted(root.glob("??.yaml")):
    have = keys(f)
    missing = [k for k in base if k not in have]
    if not missing: continue
    print(f"{f.name}: {len(missing)} missing: {', '.join(missing)}")
    if fill:
        with f.open("a", encoding="utf-8") as out:
            out.write("\n# TODO translate (copied from en.yaml)\n")
            for k in missing: out.write(en[k] + "\n")
