#!/usr/bin/env python3
"""Writes the malformed license corpus and its manifest (file -> expected error code).

Run once from this folder: python3 generate.py. The files are committed; the test
`license_malformed` in core/tests reads manifest.json and checks each file's error code.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

BASE = {
    "licenseKey": "myLicenseKey",
    "installationId": "78900000-0000-0000-0000-000000000123",
    "id": "12300000-0000-0000-0000-000000000456",
    "name": "myOrg",
    "billingEmail": "billing@example.com",
    "businessName": None,
    "enabled": True,
    "plan": "Enterprise (Annually)",
    "planType": 20,
    "seats": 10,
    "maxCollections": 2,
    "useSso": True,
    "selfHost": True,
    "version": 15,
    "issued": "2025-09-26T12:00:01.1234567Z",
    "refresh": "2025-10-26T12:00:01Z",
    "expires": "2026-11-30T00:00:00Z",
    "trial": False,
    "licenseType": 1,
    "hash": "k3M9SpHKUo0TmuSnNipeZleCHxgcEycKRXYl9BAg30Q=",
    "signature": "",
    "token": None,
}
USER = {
    "licenseKey": "myUserLicenseKey",
    "id": "12300000-0000-0000-0000-000000000789",
    "name": "Test User",
    "email": "test@example.com",
    "premium": True,
    "version": 1,
    "issued": "2025-09-26T12:00:41Z",
    "licenseType": 0,
}

CASES = []  # (file name, bytes, expected code, text the message must mention)


def text(d):
    return json.dumps(d, indent=2)


def case(name, data, code, mentions=""):
    if isinstance(data, str):
        data = data.encode("utf-8")
    CASES.append((name, data, code, mentions))


def org_with(**changes):
    d = dict(BASE)
    d.update(changes)
    return text(d)


def user_with(**changes):
    d = dict(USER)
    d.update(changes)
    return text(d)


base = text(BASE)

# The file as a whole
case("empty.json", b"", "empty_file")
case("whitespace_only.json", "  \n\t \r\n", "empty_file")
case("bom_only.json", b"\xef\xbb\xbf", "empty_file")
case("too_large_padding.json", base + " " * 51200, "file_too_large", "51200")
case("too_large_name.json", org_with(name="x" * 60000), "file_too_large", "51200")
case("utf16le_bom.json", b"\xff\xfe" + base.encode("utf-16-le"), "utf16_encoding")
case("utf16be_bom.json", b"\xfe\xff" + base.encode("utf-16-be"), "utf16_encoding")
case("utf16le_no_bom.json", base.encode("utf-16-le"), "utf16_encoding")
case("latin1_name.json", base.replace('"myOrg"', '"Caf\u00e9"').encode("latin-1"), "not_utf8", "line 5")
case("stray_continuation_byte.json", b"\x80" + base.encode(), "not_utf8", "line 1")

# Trailing data after the object (Bitwarden server#3929)
case("trailing_brace.json", base + "\n}", "trailing_data", "line")
case("two_licenses.json", base + "\n" + base, "trailing_data", "line")
case("trailing_log_line.json", base + "\n2025-09-26 12:00:01 INFO downloaded", "trailing_data", "line")
case("trailing_comma.json", base + ",", "trailing_data", "line")
case("trailing_nul_bytes.json", base + "\u0000\u0000", "trailing_data", "line")

# Cut-off JSON
case("truncated_half.json", base[: len(base) // 2], "json_truncated", "line")
case("truncated_last_brace.json", base[:-1], "json_truncated", "line")
case("truncated_in_string.json", '{"name": "abc', "json_truncated", "line")
case("only_open_brace.json", "{", "json_truncated", "line")

# Not JSON
case("single_quotes.json", base.replace('"', "'"), "json_syntax", "line 2")
case("trailing_comma_in_object.json", '{"licenseType": 1,}', "json_syntax", "line 1")
case("comment.json", "// downloaded from the vault\n" + base, "json_syntax", "line 1")
case("unquoted_key.json", base.replace('"seats"', "seats"), "json_syntax", "line")
case("nan_seats.json", base.replace('"seats": 10', '"seats": NaN'), "json_syntax", "line")
case("missing_colon.json", base.replace('"seats": 10', '"seats" 10'), "json_syntax", "line")
case("bad_escape.json", base.replace('"myOrg"', '"my\\qOrg"'), "json_syntax", "line")
case("lone_surrogate.json", base.replace('"myOrg"', '"my\\ud800Org"'), "json_syntax", "line")
case("raw_newline_in_string.json", base.replace('"myOrg"', '"my\nOrg"'), "json_syntax", "line")
case("yaml_instead_of_json.json", "licenseKey: myLicenseKey\nversion: 15\n", "json_syntax", "line 1")
case("number_overflow.json", base.replace('"seats": 10', '"seats": 1e400'), "json_syntax", "line")

# Too deep
case("deep_arrays.json", '{"extra": ' + "[" * 200 + "]" * 200 + "}", "json_too_deep", "line")
case("deep_objects.json", '{"a":' * 300 + "1" + "}" * 300, "json_too_deep", "line")

# Not an object
case("array_of_license.json", "[" + base + "]", "not_an_object", "an array")
case("string.json", '"license"', "not_an_object", "a string")
case("number.json", "42", "not_an_object", "a number")
case("null.json", "null", "not_an_object", "null")
case("boolean.json", "true", "not_an_object", "a boolean")

# Neither kind
case("empty_object.json", "{}", "unknown_license_kind")
case("package_json.json", text({"name": "my-app", "version": "1.0.0"}), "unknown_license_kind")
case("both_kinds.json", text({**{k: v for k, v in BASE.items() if k != "licenseType"}, "email": "a@b.c", "premium": True}), "ambiguous_license_kind", "premium")

# null where the server needs a value
case("null_enabled.json", org_with(enabled=None), "field_null", "enabled")
case("null_version.json", org_with(version=None), "field_null", "version")
case("null_id.json", org_with(id=None), "field_null", "id")
case("null_issued.json", org_with(issued=None), "field_null", "issued")
case("user_null_premium.json", user_with(premium=None), "field_null", "premium")

# Wrong JSON types
case("string_bool.json", org_with(useSso="true"), "field_wrong_type", "useSso")
case("string_seats.json", org_with(seats="10"), "field_wrong_type", "seats")
case("number_name.json", org_with(name=5), "field_wrong_type", "name")
case("array_plan.json", org_with(plan=[]), "field_wrong_type", "plan")
case("plan_type_by_name.json", org_with(planType="EnterpriseAnnually"), "field_wrong_type", "planType")
case("license_type_by_name.json", org_with(licenseType="Organization"), "field_wrong_type", "licenseType")
case("object_expires.json", org_with(expires={"date": "2026-01-01"}), "field_wrong_type", "expires")
case("unix_time_expires.json", org_with(expires=1740787200), "field_wrong_type", "expires")
case("user_bool_email.json", user_with(email=True), "field_wrong_type", "email")

# Numbers that are not whole or do not fit
case("fraction_seats.json", org_with(seats=10.5), "field_not_integer", "seats")
case("float_plan_type.json", base.replace('"planType": 20', '"planType": 20.0'), "field_not_integer", "planType")
case("exponent_version.json", base.replace('"version": 15', '"version": 1.5e1'), "field_not_integer", "version")
case("seats_over_int32.json", org_with(seats=3000000000), "field_out_of_range", "seats")
case("max_collections_over_int16.json", org_with(maxCollections=40000), "field_out_of_range", "maxCollections")
case("plan_type_256.json", org_with(planType=256), "field_out_of_range", "planType")
case("negative_license_type.json", org_with(licenseType=-1), "field_out_of_range", "licenseType")
case("huge_seats.json", base.replace('"seats": 10', '"seats": 123456789012345678901234567890'), "field_out_of_range", "seats")

# GUIDs the server cannot read
case("guid_without_hyphens.json", org_with(installationId="78900000000000000000000000000123"), "field_bad_guid", "installationId")
case("guid_with_braces.json", org_with(id="{12300000-0000-0000-0000-000000000456}"), "field_bad_guid", "id")
case("guid_too_short.json", org_with(installationId="78900000-0000-0000-0000-00000000012"), "field_bad_guid", "installationId")
case("guid_typo.json", org_with(installationId="78900000-0000-0000-0000-00000000012g"), "field_bad_guid", "installationId")

# Dates the server cannot read
case("date_us_format.json", org_with(expires="03/01/2025"), "field_bad_date", "expires")
case("date_february_30.json", org_with(expires="2025-02-30T00:00:00Z"), "field_bad_date", "expires")
case("date_space_separator.json", org_with(issued="2025-09-26 12:00:01"), "field_bad_date", "issued")
case("date_too_many_fraction_digits.json", org_with(refresh="2025-10-26T12:00:01.12345678901234567Z"), "field_bad_date", "refresh")
case("date_hour_24.json", org_with(issued="2025-09-26T24:00:00Z"), "field_bad_date", "issued")


def main():
    for name in os.listdir(HERE):
        if name.endswith(".json") and name != "manifest.json":
            os.remove(os.path.join(HERE, name))
    manifest = {}
    for name, data, code, mentions in CASES:
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        manifest[name] = {"code": code, "mentions": mentions}
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"{len(CASES)} files, {len(set(c[2] for c in CASES))} codes")


if __name__ == "__main__":
    main()
