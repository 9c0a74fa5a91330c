//! Probes and request ids.

backend_test! {
    async fn probes_answer_and_every_response_carries_a_request_id(app) {
        let response = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(request_id.len(), 36, "a UUID: {request_id}");
        let response = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        // A client-supplied request id is kept.
        let response = app.client.get(app.url("/healthz")).header("x-request-id", "abc-123").send().await.unwrap();
        assert_eq!(response.headers()["x-request-id"], "abc-123");
    }
}
