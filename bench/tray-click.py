#!/usr/bin/env python3
"""Clicks an item of a program's tray menu as a tray host does: finds the program's
StatusNotifierItem on the session bus (by the pid owning the connection), reads its Menu
property, looks the label up in the dbusmenu layout and sends the item a "clicked" Event.
Prints the epoch milliseconds at which the click is sent. Usage: tray-click.py PID LABEL"""
import json
import subprocess
import sys
import time


def busctl(*args):
    out = subprocess.run(["busctl", "--user", "--json=short", "--timeout=2", "--", *args],
                         capture_output=True, text=True)
    return json.loads(out.stdout) if out.returncode == 0 and out.stdout else None


def item_of(pid):
    for entry in busctl("list") or []:
        name = entry.get("name", "")
        if not name.startswith(":") or entry.get("pid") != pid:
            continue
        tree = subprocess.run(["busctl", "--user", "--timeout=2", "tree", "--list", name],
                              capture_output=True, text=True).stdout
        for path in (line.strip() for line in tree.splitlines()):
            menu = busctl("get-property", name, path, "org.kde.StatusNotifierItem", "Menu")
            if menu:
                return name, menu["data"]
    return None


def find(node, label):
    item_id, props, children = node
    if props.get("label", {}).get("data") == label:
        return item_id
    for child in children:
        found = find(child["data"], label)
        if found is not None:
            return found
    return None


def main():
    pid, label = int(sys.argv[1]), sys.argv[2]
    found = item_of(pid)
    if not found:
        sys.exit(f"no tray item of pid {pid}")
    name, menu = found
    layout = busctl("call", name, menu, "com.canonical.dbusmenu", "GetLayout", "iias", "0", "-1", "0")
    item = find(layout["data"][1], label)
    if item is None:
        sys.exit(f"no menu item {label!r}")
    # The moment of the click, for timing what follows.
    print(time.time_ns() // 1_000_000, flush=True)
    subprocess.run(["busctl", "--user", "--timeout=5", "call", name, menu, "com.canonical.dbusmenu",
                    "Event", "isvu", str(item), "clicked", "i", "0", "0"], check=True,
                   stdout=subprocess.DEVNULL)


main()
