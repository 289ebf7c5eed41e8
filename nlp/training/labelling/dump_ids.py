"""Print chosen pool items (by id) in the batch reading format: python dump_ids.py ID [ID ...]"""

import sys

from pool import load_pool

pool = load_pool()
for i in sys.argv[1:]:
    it = pool[i]
    print(f"### {i}")
    if i.startswith(("8btc", "dykstranet")):
        print(f"T: {it['title']}")
    elif i.startswith("uglydog"):
        print(f"X: {it['text'][:450]}")
    else:
        print(f"T: {it['title']}\nX: {it['text'][:650]}")
