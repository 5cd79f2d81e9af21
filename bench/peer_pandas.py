"""The pandas peer: the tagging work tagbook does, written the way an analyst would in pandas.

Reads the drop's CSV files (Debian's pandas has no Parquet engine: neither pyarrow nor
fastparquet is packaged) plus the customer zone table tagbook decided, and computes, as of a date:
12-month net spend, purchase-day frequency tags, lifecycle tags with local-day dormancy,
interaction tags and local weekday/hour activity cells. Prints one JSON object: timings in
seconds and the answers the bench compares with tagbook's (counts per tag, cells, spend).

Usage: peer_pandas.py DROP_DIR ZONES_CSV OFFSETS_CSV AS_OF OUT_CSV PARAMS_JSON
"""
import json
import sys
import time

import numpy as np
import pandas as pd

DAY_NS = 86_400_000_000_000


class Offsets:
    """Each zone's UTC offset hour by hour, from the offset table the bench writes from DuckDB's
    time-zone rules (Debian's tzdata 2025b predates them: America/Vancouver and America/Edmonton
    differ from 2026-11-01), as 2-D arrays indexed by zone code and UTC hour."""

    def __init__(self, path: str):
        t = pd.read_csv(path, dtype={"zone": str})
        self.zones = pd.Index(sorted(t["zone"].unique()))
        self.first = int(t["utc_hour"].min())
        hours = int(t["utc_hour"].max()) - self.first + 1
        z = self.zones.get_indexer(t["zone"])
        h = t["utc_hour"].values - self.first
        self.off0 = np.zeros((len(self.zones), hours), dtype=np.int64)
        self.off1 = np.zeros_like(self.off0)
        self.switch = np.zeros_like(self.off0)
        self.off0[z, h] = t["off0"].values
        self.off1[z, h] = t["off1"].values
        self.switch[z, h] = t["switch_s"].values


def local_days(utc: pd.Series, zone: pd.Series, offsets: Offsets) -> tuple[np.ndarray, np.ndarray]:
    """Local calendar day (days since 1970-01-01) and local ns of each instant, in its row's zone;
    NaT stays the minimum int64."""
    nat = np.iinfo(np.int64).min
    ns = utc.values.astype("datetime64[ns]").view(np.int64)
    valid = ns != nat
    hour = np.where(valid, ns // 3_600_000_000_000, offsets.first) - offsets.first
    z = offsets.zones.get_indexer(zone)
    into = (ns - (hour + offsets.first) * 3_600_000_000_000) // 1_000_000_000
    off = np.where(into < offsets.switch[z, hour], offsets.off0[z, hour], offsets.off1[z, hour])
    local_ns = np.where(valid, ns + off * 1_000_000_000, nat)
    days = np.where(valid, np.floor_divide(local_ns, DAY_NS), nat)
    return days, local_ns


def parse_instant(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text, utc=True, format="%Y-%m-%dT%H:%M:%SZ")


def main() -> None:
    drop, zones_csv, offsets_csv, as_of, out_csv, params_json = sys.argv[1:7]
    p = json.loads(params_json)
    t0 = time.perf_counter()

    offsets = Offsets(offsets_csv)
    zones = pd.read_csv(zones_csv, dtype={"customer_id": str, "zone": str, "zone_unknown": bool})
    orders = pd.read_csv(
        f"{drop}/orders.csv",
        usecols=["customer_id", "ordered_at", "amount", "status"],
        dtype={"customer_id": str, "ordered_at": str, "amount": float, "status": str},
    )
    messages = pd.read_csv(
        f"{drop}/messages.csv",
        usecols=["message_id", "customer_id", "direction", "sent_at", "delivered_at", "read_at"],
        dtype=str,
    )
    orders["ordered_at"] = parse_instant(orders["ordered_at"])
    for column in ["sent_at", "delivered_at", "read_at"]:
        messages[column] = parse_instant(messages[column])
    t1 = time.perf_counter()

    cutoff = (pd.Timestamp(as_of) - pd.Timestamp("1970-01-01")).days
    window_start = (pd.Timestamp(as_of) - pd.DateOffset(months=p["windowMonths"]) - pd.Timestamp("1970-01-01")).days

    orders = orders.merge(zones[["customer_id", "zone"]], on="customer_id", how="inner")
    orders["day"], _ = local_days(orders["ordered_at"], orders["zone"], offsets)
    messages = messages.merge(zones[["customer_id", "zone"]], on="customer_id", how="inner")
    messages["day"], messages["local_ns"] = local_days(messages["sent_at"], messages["zone"], offsets)
    messages["read_day"], read_ns = local_days(messages["read_at"], messages["zone"], offsets)
    messages.loc[messages["read_at"].isna(), "read_day"] = np.iinfo(np.int64).min

    # 12-month net spend: paid minus refunded, by local order day.
    in_window = (orders["day"] > window_start) & (orders["day"] <= cutoff)
    signed = np.where(orders["status"] == "paid", orders["amount"],
                      np.where(orders["status"] == "refunded", -orders["amount"], 0.0))
    spend = pd.Series(signed[in_window.values]).groupby(orders.loc[in_window, "customer_id"].values).sum()
    spend_cents = np.round(spend.values * 100).astype(np.int64)

    # Purchase days (paid, up to the cutoff).
    paid = orders[(orders["status"] == "paid") & (orders["day"] <= cutoff)]
    pdays = paid[["customer_id", "day"]].drop_duplicates()
    per = pdays.groupby("customer_id")["day"].agg(["count", "min", "max"])
    win = pdays[pdays["day"] > window_start].groupby("customer_id")["day"].agg(["count", "min", "max"])
    gap = np.where(win["count"] >= 2, (win["max"] - win["min"]) / (win["count"] - 1).clip(lower=1),
                   cutoff - win["min"])
    frequency = pd.Series(
        np.where(gap <= p["monthlyMaxGapDays"], "monthly buyer",
                 np.where(gap <= p["quarterlyMaxGapDays"], "quarterly buyer", "yearly buyer")),
        index=win.index)

    # Messages up to the cutoff.
    m = messages[messages["day"] <= cutoff]
    inbound = m[m["direction"] == "in"]
    out = m[m["direction"] == "out"]
    last_inbound = inbound.groupby("customer_id")["day"].max()
    read_ok = out["read_day"] <= cutoff
    read_ok &= out["read_day"] != np.iinfo(np.int64).min
    last_read = out[read_ok].groupby("customer_id")["read_day"].max()
    total = m.groupby("customer_id").size()
    w = out[out["day"] > cutoff - p["windowDays"]]
    out_window = w.groupby("customer_id").size()
    # A read message was delivered, whether or not the export kept its delivered status.
    delivered_window = w[w["delivered_at"].notna() | w["read_at"].notna()].groupby("customer_id").size()
    w_read = (w["read_day"] <= cutoff) & (w["read_day"] != np.iinfo(np.int64).min)
    read_window = w[w_read].groupby("customer_id").size()
    u = out[out["day"] > cutoff - p["unreadDays"]]
    u_read = (u["read_day"] <= cutoff) & (u["read_day"] != np.iinfo(np.int64).min)
    out_unread = u.groupby("customer_id").size()
    read_unread = u[u_read].groupby("customer_id").size()
    delivered_unread = u[u["delivered_at"].notna() | u["read_at"].notna()].groupby("customer_id").size()

    # Replies: an inbound message answers the latest outbound one at or before it, within 24 h.
    left = inbound[["customer_id", "sent_at"]].sort_values("sent_at")
    right = messages[messages["direction"] == "out"][["customer_id", "sent_at", "message_id", "day"]]
    right = right.rename(columns={"sent_at": "out_at", "day": "out_day"}).sort_values("out_at")
    joined = pd.merge_asof(left, right, left_on="sent_at", right_on="out_at", by="customer_id",
                           direction="backward", allow_exact_matches=True)
    joined = joined[joined["out_at"].notna()]
    joined = joined[(joined["out_day"] > cutoff - p["windowDays"])
                    & (joined["sent_at"] - joined["out_at"] <= pd.Timedelta(hours=24))]
    replied = joined.groupby("customer_id")["message_id"].nunique()

    facts = zones[["customer_id"]].set_index("customer_id")
    facts["purchase_days"] = per["count"]
    facts["last_purchase"] = per["max"]
    facts["last_inbound"] = last_inbound
    facts["last_read"] = last_read
    facts["messages_total"] = total
    for name, series in [("out_window", out_window), ("delivered_window", delivered_window),
                         ("read_window", read_window), ("replied", replied),
                         ("out_unread", out_unread), ("read_unread", read_unread),
                         ("delivered_unread", delivered_unread)]:
        facts[name] = series
    counts = ["purchase_days", "messages_total", "out_window", "delivered_window", "read_window",
              "replied", "out_unread", "read_unread", "delivered_unread"]
    facts[counts] = facts[counts].fillna(0)

    tags = []
    tags.append(pd.DataFrame({"customer_id": frequency.index, "family": "frequency", "tag": frequency.values}))

    last_interaction = facts[["last_purchase", "last_inbound"]].max(axis=1)
    has = last_interaction.notna() | (facts["messages_total"] > 0)
    dormant = last_interaction.notna() & (cutoff - last_interaction >= p["dormantDays"])
    lifecycle = np.where(dormant, "dormant",
                         np.where(facts["purchase_days"] == 0, "prospect",
                                  np.where(facts["purchase_days"] == 1, "new", "returning")))
    tags.append(pd.DataFrame({"customer_id": facts.index[has], "family": "lifecycle", "tag": lifecycle[has.values]}))

    f = facts[facts["out_window"] > 0]
    level = np.where(f["replied"] >= p["repliesOftenRate"] * f["out_window"], "replies often",
                     np.where(f["delivered_window"] == 0, "not reached",
                              np.where(f["read_window"] >= p["readsRate"] * f["delivered_window"], "reads only",
                                       "does not read")))
    tags.append(pd.DataFrame({"customer_id": f.index, "family": "interaction", "tag": level}))
    last_active = facts[["last_inbound", "last_read"]].max(axis=1)
    active = last_active.notna() & (cutoff - last_active < p["activeDays"])
    tags.append(pd.DataFrame({"customer_id": facts.index[active], "family": "interaction",
                              "tag": f"active {p['activeDays']} days"}))
    silent = (facts["messages_total"] > 0) & (facts["last_inbound"].isna()
                                              | (cutoff - facts["last_inbound"] >= p["silentDays"]))
    tags.append(pd.DataFrame({"customer_id": facts.index[silent], "family": "interaction",
                              "tag": f"silent {p['silentDays']} days"}))
    unread = (facts["delivered_unread"] > 0) & (facts["read_unread"] == 0)
    tags.append(pd.DataFrame({"customer_id": facts.index[unread], "family": "interaction",
                              "tag": f"unread {p['unreadDays']} days"}))
    all_tags = pd.concat(tags, ignore_index=True)

    # Activity cells: customer messages and reads of ours, by the customer's local ISO weekday and
    # hour, over the look-back; customers whose zone is unknown are left out, as tagbook does.
    known = messages["customer_id"].isin(zones.loc[~zones["zone_unknown"], "customer_id"])
    lo, hi = cutoff - p["lookbackDays"], cutoff
    events = []
    for kind, ns, day, mask in [(1, messages["local_ns"].values, messages["day"].values,
                                 (messages["direction"] == "in").values),
                                (2, read_ns, messages["read_day"].values,
                                 (messages["direction"] == "out").values & messages["read_at"].notna().values)]:
        keep = mask & known.values & (day > lo) & (day <= hi)
        local = ns[keep]
        weekday = (local // DAY_NS + 3) % 7 + 1  # 1970-01-01 was a Thursday (ISO 4)
        hour = (local // 3_600_000_000_000) % 24
        events.append(pd.DataFrame({"customer_id": messages["customer_id"].values[keep], "kind": kind,
                                    "cell": weekday * 100 + hour}))
    events = pd.concat(events, ignore_index=True)
    cell = (events["kind"] * 1000 + events["cell"]).value_counts()
    customer_cells = events[["customer_id", "cell"]].drop_duplicates().shape[0]
    t2 = time.perf_counter()

    all_tags.to_csv(out_csv, index=False)
    t3 = time.perf_counter()

    result = {
        "tags": {f"{k[0]}: {k[1]}": int(v) for k, v in all_tags.groupby(["family", "tag"]).size().items()},
        "cells": {str(int(k)): int(v) for k, v in sorted(cell.items())},
        "customerCells": int(customer_cells),
        "spend": {"customers": int((spend_cents != 0).sum()), "cents": int(spend_cents.sum())},
    }
    rows = len(orders) + len(messages)
    print(json.dumps({"load": t1 - t0, "compute": t2 - t1, "write": t3 - t2, "rows": rows, "result": result}))


if __name__ == "__main__":
    main()
