"""The app process: channel adapters, the Rasa action endpoint, the retriever, health."""
