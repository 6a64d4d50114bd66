"""The lab's zone: records read from a BIND-format file, and look-ups in them.

dnslib parses the file (``RR.fromZone``) and its ``DNSLabel`` compares names without regard
to case, so ``GOOGLE.com`` finds ``google.com.``. This module only decides *which* records
answer a question; building the wire-format reply is ``answer.py``'s job.
"""

import os
from collections import defaultdict

from dnslib import QTYPE, RCODE, RR, DNSLabel

DEFAULT_ZONE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lab.zone")


class Lookup:
    """What a question gets: a response code, answer records and authority records."""

    __slots__ = ("rcode", "answers", "authority")

    def __init__(self, rcode, answers=(), authority=()):
        self.rcode = rcode
        self.answers = list(answers)
        self.authority = list(authority)


class Zone:
    """Records by name, plus the SOA records that say which names the lab is authority for."""

    def __init__(self, records):
        self._by_name = defaultdict(list)
        self._soa = {}
        for rr in records:
            self._by_name[rr.rname].append(rr)
            if rr.rtype == QTYPE.SOA:
                self._soa[rr.rname] = rr

    @classmethod
    def from_file(cls, path=DEFAULT_ZONE_FILE):
        with open(path, encoding="utf-8") as f:
            return cls(RR.fromZone(f.read()))

    def lookup(self, qname, qtype):
        """Answer ``qname``/``qtype`` (``qtype`` a number, e.g. ``QTYPE.A``).

        NXDOMAIN for a name with no records; NOERROR with no answer (NODATA) for a known
        name lacking that type. Both carry the enclosing zone's SOA, as a real
        authoritative server does, so resolvers may cache the negative answer.
        """
        qname = DNSLabel(qname)
        records = self._by_name.get(qname)
        if not records:
            return Lookup(RCODE.NXDOMAIN, authority=self._enclosing_soa(qname))
        answers = [rr for rr in records if qtype in (rr.rtype, QTYPE.ANY)]
        if answers:
            return Lookup(RCODE.NOERROR, answers)
        return Lookup(RCODE.NOERROR, authority=self._enclosing_soa(qname))

    def _enclosing_soa(self, qname):
        """The SOA of the closest zone apex at or above ``qname`` (none if outside them)."""
        labels = qname.label
        for i in range(len(labels)):
            soa = self._soa.get(DNSLabel(labels[i:]))
            if soa is not None:
                return [soa]
        return []

    def addresses(self):
        """``{name: {"A": [...], "AAAA": [...]}}`` for every name with an address."""
        table: dict[str, dict[str, list[str]]] = {}
        for name, records in self._by_name.items():
            for rr in records:
                kind = QTYPE.get(rr.rtype)
                if kind in ("A", "AAAA"):
                    entry = table.setdefault(str(name).rstrip(".").lower(), {"A": [], "AAAA": []})
                    entry[kind].append(str(rr.rdata))
        return dict(sorted(table.items()))
