from openai import OpenAI

client = OpenAI()

CHAT_MODEL = "gpt-5.1"
