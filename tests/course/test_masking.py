from helpers.masking import mask_access_key_id, mask_account_id, mask_secret


def test_account_ids_keep_only_the_last_four_digits():
    assert mask_account_id("111122223333") == "********3333"


def test_access_keys_keep_only_the_kind_prefix():
    assert mask_access_key_id("ASIAABCDEFGHIJKLMNOP") == "ASIA" + "*" * 16


def test_secrets_show_only_their_length():
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    masked = mask_secret(secret)
    assert secret not in masked and masked == "<40 characters, hidden>"
