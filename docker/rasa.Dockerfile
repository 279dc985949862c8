# Rasa server image: the same pinned install as `python3 -m stack setup` (requirements/rasa.lock).
FROM python:3.11.7-slim
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH=/app
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY requirements/rasa.lock requirements/rasa.lock
RUN pip install setuptools==70.3.0 \
 && pip install --no-deps -r requirements/rasa.lock \
 && pip install --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
COPY japanese_text japanese_text
COPY core/__init__.py core/emergency.py core/
COPY knowledge/lexicon.yml knowledge/emergency.yml knowledge/
COPY bot bot
RUN rasa train --config bot/config.yml --domain bot/domain.yml --data bot/data \
      --out models --fixed-model-name bot
RUN useradd --create-home rasa && mkdir -p /app/var && chown -R rasa /app/var
USER rasa
EXPOSE 5005
# Rasa's HTTP API listens beyond loopback here, so it refuses to start without a token.
CMD ["sh", "-c", "[ -n \"$RASA_TOKEN\" ] || { echo 'RASA_TOKEN must be set' >&2; exit 1; }; exec python -m bot.rasa_server run --enable-api --interface 0.0.0.0 --port 5005 --model models/bot.tar.gz --endpoints \"${RASA_ENDPOINTS:-bot/endpoints.yml}\" --credentials bot/credentials.yml --auth-token \"$RASA_TOKEN\""]
