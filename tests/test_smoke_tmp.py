def test_smoke(app, make_course, client):
    c = make_course()
    assert c.credit_hours == 1.0
    assert c.lessons[0].video.created_at.tzinfo is not None
    r = client.get("/nowhere")
    assert r.status_code == 404
    r = client.get("/api/v1/nowhere")
    assert r.get_json()["error"]["code"] == "not_found"
