"""Token authentication against accounts.ApiToken: the key is looked up by its SHA-256 and the rule
of accounts.tokens decides whether it acts. The header is unchanged: `Authorization: Token <key>`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.tokens import api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = api_token_authenticate(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return token.user, token
