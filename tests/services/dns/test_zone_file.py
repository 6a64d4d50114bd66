"""The zone file: every name the lab promises, each with its own documentation address,
and the look-up rules (NXDOMAIN, NODATA, case) as ``Zone`` applies them."""

import ipaddress

import pytest
from dnslib import QTYPE, RCODE

from services.dns.zone import Zone

DOC_V4 = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
DOC_V6 = ipaddress.ip_network("2001:db8::/32")
SOURCE_NAMES = ["google.com", "github.com", "python.org"]
REQUIRED = (
    SOURCE_NAMES
    + [f"www.{n}" for n in SOURCE_NAMES]
    + ["httpbin.lab.test", "dns.lab.test"]
    + [f"w{i:02d}.lab.test" for i in range(64)]
)


@pytest.fixture(scope="module")
def zone() -> Zone:
    return Zone.from_file()


def test_every_promised_name_has_an_a_record(zone):
    table = zone.addresses()
    missing = [n for n in REQUIRED if not table.get(n, {}).get("A")]
    assert not missing


def test_addresses_are_documentation_addresses(zone):
    for name, entry in zone.addresses().items():
        for a in entry["A"]:
            assert any(ipaddress.ip_address(a) in net for net in DOC_V4), (name, a)
        for aaaa in entry["AAAA"]:
            assert ipaddress.ip_address(aaaa) in DOC_V6, (name, aaaa)


def test_each_name_has_its_own_addresses(zone):
    table = zone.addresses()
    v4 = [a for e in table.values() for a in e["A"]]
    v6 = [a for e in table.values() for a in e["AAAA"]]
    assert len(v4) == len(set(v4)) and len(v6) == len(set(v6))


def test_source_names_have_ipv6_too(zone):
    table = zone.addresses()
    assert all(table[n]["AAAA"] for n in SOURCE_NAMES)


def test_lookup_is_case_insensitive(zone):
    upper, lower = zone.lookup("GitHub.COM", QTYPE.A), zone.lookup("github.com", QTYPE.A)
    assert upper.rcode == RCODE.NOERROR
    assert [str(r.rdata) for r in upper.answers] == [str(r.rdata) for r in lower.answers]


def test_unknown_name_is_nxdomain_with_the_enclosing_soa(zone):
    found = zone.lookup("nothing-here.lab.test", QTYPE.A)
    assert found.rcode == RCODE.NXDOMAIN and not found.answers
    assert [str(r.rname) for r in found.authority] == ["lab.test."]
    assert found.authority[0].rtype == QTYPE.SOA


def test_name_outside_every_zone_is_nxdomain_without_soa(zone):
    found = zone.lookup("example.com", QTYPE.A)
    assert found.rcode == RCODE.NXDOMAIN and not found.answers and not found.authority


def test_known_name_without_that_type_is_nodata(zone):
    found = zone.lookup("v4only.lab.test", QTYPE.AAAA)
    assert found.rcode == RCODE.NOERROR and not found.answers
    assert found.authority and found.authority[0].rtype == QTYPE.SOA
