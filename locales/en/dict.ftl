# Short labels of the Order's dictionaries (buttons). The file always uses the Order's Russian wording.

direction-3-5-1 = Handling appeals and requests
direction-3-5-2 = Access to information about the Administration
direction-3-5-3 = Relations with internal clients

kind-4-2-1 = Official websites (portals)
kind-4-2-2 = Mobile apps
kind-4-2-3 = Social networks, public chats
kind-4-2-4 = Chat bots, personal chats, voice assistants
kind-4-2-5 = Telephone, call centres
kind-4-2-6 = Written contact
kind-4-2-7 = In-person reception

need-3-7-1 = Getting information
need-3-7-2 = Getting a consultation
need-3-7-3 = Getting document forms
need-3-7-4 = Submitting an application, appeal, request, documents
need-3-7-5 = Getting the status of an application, appeal, request, documents
need-3-7-6 = Getting a result, answer, explanation
need-3-7-7 = Presenting objects for inspection
need-3-7-8 = Giving feedback
need-3-7-9 = Getting the outcome of feedback
need-3-7-10 = Other client needs
