# ChainWatch image for the docker-compose stack: the project, Airflow 3 with the Celery provider,
# CPU torch and the converted classifier model, all baked in (containers need no internet).
#   docker compose build            (or: docker build -t chainwatch:latest .)
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIRFLOW_HOME=/opt/airflow \
    CHAINWATCH_HOME=/opt/chainwatch/home \
    CHAINWATCH_OUT=/opt/chainwatch/out \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1

# tini (PID 1) forwards signals and reaps the processes Scrapy and Celery leave behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 50000 --gid 0 --home-dir /opt/airflow --no-create-home --shell /bin/bash chainwatch \
 && mkdir -p /opt/airflow/logs /opt/airflow/auth /opt/chainwatch/app /opt/chainwatch/home /opt/chainwatch/out \
 && chown -R 50000:0 /opt/airflow /opt/chainwatch \
 && chmod -R g+rwX /opt/airflow /opt/chainwatch

# torch first, alone and exact, from the CPU index (anything looser pulls a CUDA build).
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

WORKDIR /opt/chainwatch/app
# The project is installed editable: sql/migrations and dags/ are read from this folder.
COPY --chown=50000:0 . .
RUN pip install -c constraints.txt -e ".[stack]" \
 && pip check

USER 50000
# Load the classifier and its encoder once at build time: that converts the bundled encoder into
# CHAINWATCH_HOME (nlp/model_cache.py), so the model is baked into the image and workers start ready.
RUN python -c "from nlp.classifier import load_classifier; c = load_classifier(); c.encoder; print('classifier', c.version)"

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["airflow", "version"]
