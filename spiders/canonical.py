"""Canonical URLs: one identity per article, whatever link led to it.

`articles.canonical_url` is UNIQUE, so every variant of an address that serves the same
story must map to one string: https always, no `www.`, no tracking parameters, no AMP
variant, no fragment, query parameters sorted (w3lib.canonicalize_url).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

# Parameters that only say where a click came from. Kept to names that never select content.
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "_hs", "hsa_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "twclid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "ncid",
        "sr_share",
        "spm",
        "share",
        "amp",
        "outputtype",
        "s_cid",
        "cid_source",
    }
)
_AMP_CACHE = re.compile(r"^[a-z0-9-]+\.cdn\.ampproject\.org$")
# A second scheme inside the string: the corpus has `https://cryptonews.comhttps://cryptonews.com/...`.
_DOUBLED_SCHEME = re.compile(r".(https?://)", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in _TRACKING_NAMES or low.startswith(_TRACKING_PREFIXES)


def _strip_amp_path(path: str) -> str:
    """/amp/news/x -> /news/x ; /news/x/amp(/) -> /news/x(/) ; x.amp.html -> x.html"""
    trailing = path.endswith("/") and path != "/"
    segs = [s for s in path.split("/") if s]
    while len(segs) > 1 and segs[0] == "amp":
        segs = segs[1:]
    while len(segs) > 1 and segs[-1] == "amp":
        segs = segs[:-1]
    while segs and segs[-1].endswith(".amp.html"):
        segs[-1] = segs[-1][: -len(".amp.html")] + ".html"
    return "/" + "/".join(segs) + ("/" if trailing and segs else "")


def canonical_url(url: str) -> str:
    """The identity of an article address. Raises ValueError for a non-web URL.

    Idempotent: normalising can reveal another variant (`/%61mp` decodes to `/amp`, `%75tm_source`
    to `utm_source`), so the rules are applied again until nothing changes.
    """
    result = _canonical_once(url)
    for _ in range(4):
        again = _canonical_once(result)
        if again == result:
            break
        result = again
    return result


def _canonical_once(url: str) -> str:
    url = (url or "").strip()
    found = list(_DOUBLED_SCHEME.finditer(url))
    if found:
        url = url[found[-1].start(1) :]
    parts = urlsplit(safe_url_string(url))
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a web URL: {url!r}")
    host = parts.hostname.rstrip(".")
    if not host:  # "http://./x": nothing left of the host
        raise ValueError(f"not a web URL: {url!r}")
    path = parts.path or "/"
    if _AMP_CACHE.match(host):
        # https://www-example-com.cdn.ampproject.org/c/s/www.example.com/path -> the publisher's URL
        inner = re.sub(r"^/[a-z]/(s/)?", "", path)
        return _canonical_once("https://" + inner + (f"?{parts.query}" if parts.query else ""))
    for prefix in ("www.", "amp.", "m."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    rebuilt = urlunsplit(("https", host, _strip_amp_path(path), urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def same_site(a: str, b: str) -> bool:
    """True when two URLs belong to the same registered host (ignoring www./amp./m.)."""
    try:
        return urlsplit(canonical_url(a)).hostname == urlsplit(canonical_url(b)).hostname
    except ValueError:
        return False


def host_of(url: str) -> str:
    """The host as canonical URLs spell it (lowercase, no www.)."""
    return urlsplit(canonical_url(url)).hostname or ""
