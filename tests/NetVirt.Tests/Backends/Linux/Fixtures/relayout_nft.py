#!/usr/bin/env python3
"""Rewrites a recorded `nft -j list table` fixture in the current table layout: reads its table, mark, elements and
whether it has the input chain, makes the same table through the real nft with NftRuleset.cs's sets and rules (an
address of allowed4/allowed6 stays there, a prefix goes to the _nets set), lists it again into the same file and
deletes it. Root; the fixtures' tables carry test prefixes (nvt + hex).

    python3 tests/NetVirt.Tests/Backends/Linux/Fixtures/relayout_nft.py tests/NetVirt.Tests/Backends/Linux/Fixtures/nft-list-table.json
"""
import json, os, re, subprocess, sys
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), *[".."] * 5)
src = open(os.path.join(root, 'src/NetVirt.Backends.Linux/Nftables/NftRuleset.cs')).read()
block = src[src.index('public static readonly IReadOnlyList<string> Rules ='):]
block = block[:block.index('];')]
rules = [json.loads('"' + m + '"') for m in re.findall(r'^\s*"((?:[^"\\]|\\.)*)",\s*$', block, re.M)]
sets_block = src[src.index('public static readonly IReadOnlyList<(string Name, string Declaration, string Observed)> Sets ='):]
sets_block = sets_block[:sets_block.index('];')]
names = {'Vnics': 'vnics', 'Macs': 'macs', 'Chaddr': 'chaddr', 'Allowed4': 'allowed4', 'Allowed4Nets': 'allowed4_nets', 'Allowed6': 'allowed6', 'Allowed6Nets': 'allowed6_nets'}
sets = []
for name, decl in re.findall(r'\((\w+|"\w+"), "([^"]*)"', sets_block):
    sets.append((names.get(name, name.strip('"')), decl))
path = sys.argv[1]
old = json.load(open(path))['nftables']
table = next(x['table']['name'] for x in old if 'table' in x)
oldsets = {x['set']['name']: x['set'] for x in old if 'set' in x}
mark = oldsets['vnics']['comment']
has_input = any('chain' in x and x['chain']['name'] == 'input' for x in old)
q = lambda s: '"' + s + '"'
lines = [f'add table bridge {table} {{ comment {q(mark)}; }}']
for name, decl in sets:
    lines.append(f'add set bridge {table} {name} {{ {decl} comment {q(mark)}; }}' if name == 'vnics' else f'add set bridge {table} {name} {{ {decl} }}')
lines.append(f'add chain bridge {table} prerouting {{ type filter hook prerouting priority -200; policy accept; }}')
lines += [f'add rule bridge {table} prerouting {r}' for r in rules]
if has_input:
    lines.append(f'add chain bridge {table} input {{ type filter hook input priority -200; policy accept; }}')
    lines.append(f'add rule bridge {table} input meta iifname == "{table}-*" drop comment "host-isolated"')
def elem(setname, e):
    if isinstance(e, dict) and 'elem' in e:
        return elem(setname, e['elem']['val']) + f' comment {q(e["elem"]["comment"])}'
    if isinstance(e, str):
        return q(e)
    a, b = e['concat']
    if isinstance(b, int):
        b = '0x%012x' % b
    elif isinstance(b, dict):
        b = f"{b['prefix']['addr']}/{b['prefix']['len']}"
    return f'{q(a)} . {b}'
for name, s in oldsets.items():
    for e in s.get('elem', []):
        target = name
        if name in ('allowed4', 'allowed6') and isinstance(e['concat'][1], dict):
            target = name + '_nets'
        lines.append(f'add element bridge {table} {target} {{ {elem(name, e)} }}')
text = '\n'.join(lines) + '\n'
subprocess.run(['nft', 'delete', 'table', 'bridge', table], capture_output=True)
r = subprocess.run(['nft', '-f', '-'], input=text.encode(), capture_output=True)
if r.returncode:
    print(text); raise SystemExit(r.stderr.decode())
out = subprocess.run(['nft', '-j', 'list', 'table', 'bridge', table], capture_output=True, check=True).stdout.decode()
subprocess.run(['nft', 'delete', 'table', 'bridge', table], check=True)
open(path, 'w').write(out if out.endswith('\n') or not open(path).read().endswith('\n') else out + '\n')
print(path, len(lines), 'lines')
