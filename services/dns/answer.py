"""From a query packet to a reply packet (dnslib does the wire format both ways).

Never raises on client input: whatever arrives is either answered or dropped. A packet whose
12-byte header can be read but whose body cannot gets FORMERR with the same id, so the
client does not wait for a timeout; shorter garbage, and packets that are themselves replies,
are dropped (answering those could start a loop between two servers).
"""

from dnslib import OPCODE, QTYPE, RCODE, Buffer, DNSHeader, DNSRecord

# A UDP reply larger than this, to a query without EDNS, is truncated (TC bit) per RFC 1035.
UDP_PLAIN_LIMIT = 512
HEADER_LEN = 12


def respond(packet, zone, udp=True):
    """``(reply bytes or None to drop it, facts)``, the facts being what the server's record
    keeps of the exchange: ``{"id", "qname", "qtype", "rcode"}`` (``qname`` and ``qtype``
    None when the query could not be read; ``qname`` ends with a dot, ``qtype`` and
    ``rcode`` are names such as "A" and "NXDOMAIN")."""
    try:
        query = DNSRecord.parse(packet)
    except Exception:  # dnslib raises several types (DNSError, struct/Index/Unicode errors)
        return _formerr(packet)
    if query.header.qr:
        return None, None
    facts = {"id": query.header.id, "qname": None, "qtype": None, "rcode": None}
    if query.questions:
        facts["qname"] = str(query.q.qname)
        facts["qtype"] = QTYPE.get(query.q.qtype, "TYPE%d" % query.q.qtype)
    try:
        reply = _answer(query, zone)
        wire = reply.pack()
    except Exception:  # a query that parses but cannot be answered, e.g. odd label bytes
        wire, _ = _formerr(packet)
        return (None, None) if wire is None else (wire, {**facts, "rcode": "FORMERR"})
    if udp and len(wire) > _udp_limit(query):
        wire = reply.truncate().pack()
    facts["rcode"] = RCODE.get(reply.header.rcode, "RCODE%d" % reply.header.rcode)
    return wire, facts


def _answer(query, zone):
    reply = query.reply()  # copies id, question and RD; sets QR, AA and RA
    if query.header.opcode != OPCODE.QUERY:
        reply.header.rcode = RCODE.NOTIMP
        return reply
    if len(query.questions) != 1:
        reply.header.rcode = RCODE.FORMERR
        return reply
    question = query.q
    found = zone.lookup(question.qname, question.qtype)
    reply.header.rcode = found.rcode
    for rr in found.answers:
        reply.add_answer(rr)
    for rr in found.authority:
        reply.add_auth(rr)
    return reply


def _udp_limit(query):
    """The reply size the client accepts over UDP: its EDNS buffer size, or 512."""
    for rr in query.ar:
        if rr.rtype == QTYPE.OPT:
            return max(UDP_PLAIN_LIMIT, rr.rclass)
    return UDP_PLAIN_LIMIT


def _formerr(packet):
    """``(FORMERR echoing the header's id, facts)``, or ``(None, None)`` when not even a
    header is there."""
    if len(packet) < HEADER_LEN:
        return None, None
    try:
        header = DNSHeader.parse(Buffer(packet[:HEADER_LEN]))
    except Exception:
        return None, None
    if header.qr:
        return None, None
    reply = DNSHeader(id=header.id, qr=1, opcode=header.opcode, rcode=RCODE.FORMERR)
    facts = {"id": header.id, "qname": None, "qtype": None, "rcode": "FORMERR"}
    return DNSRecord(reply).pack(), facts
