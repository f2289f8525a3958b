"""New users join `contributors` and nothing else: config refuses any other sign-up group.

IAM can't scope cognito-idp:AdminAddUserToGroup to one group, so this check is the guard."""

from __future__ import annotations

import pytest

from chalicelib import config


def test_given_no_setting_then_new_users_join_contributors() -> None:
    assert config.load({}).signup_group == "contributors"


def test_given_contributors_spelled_out_then_it_is_accepted() -> None:
    assert config.load({"SIGNUP_GROUP": "contributors"}).signup_group == "contributors"


@pytest.mark.parametrize("group", ["admins", "Contributors", "contributors ", "anything"])
def test_given_any_other_group_then_the_settings_refuse_to_load(group: str) -> None:
    with pytest.raises(ValueError, match="SIGNUP_GROUP must be 'contributors'"):
        config.load({"SIGNUP_GROUP": group})
