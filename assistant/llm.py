"""Chat models by configuration: `ollama:<model>` or `openai:<model>` (any OpenAI-compatible server)."""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel

from .settings import Settings


class BackendError(ValueError):
    pass


def chat_model(backend: str, settings: Settings) -> BaseChatModel:
    kind, _, model = backend.partition(":")
    if not model:
        raise BackendError(f"unknown backend '{backend}': use extractive, ollama:<model> or openai:<model>")
    if kind == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=model,
            base_url=settings.llm_base_url or None,
            temperature=settings.llm_temperature,
            client_kwargs={"timeout": settings.llm_timeout_s},
        )
    if kind == "openai":
        import os

        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=model,
            base_url=settings.llm_base_url or None,
            api_key=settings.llm_api_key or os.environ.get("OPENAI_API_KEY") or "not-needed",
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )
    raise BackendError(f"unknown backend '{backend}': use extractive, ollama:<model> or openai:<model>")
